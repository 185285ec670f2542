import { describe, expect, it } from 'vitest';
import { shownTable } from './figures.js';

describe('the advice figures a reader sees', () => {
  const rows = [
    { group: 'North hub', sent: 40, opened: 30, helpful: 12, notHelpful: 3 },
    { group: 'South hub', sent: 25, opened: 20, helpful: 9, notHelpful: 0 },
  ];

  it('adds a total row and shows every count to a clinician', () => {
    expect(shownTable(rows, false).at(-1)).toEqual({ group: 'All', sent: 65, opened: 50, helpful: 21, notHelpful: 3 });
  });

  it('withholds counts of 1 to 7 from other roles, and the total beside a lone hidden count, so none can be worked out; zero is shown', () => {
    const shown = shownTable(rows, true);
    expect(shown.map((r) => r.sent)).toEqual([40, 25, 65]);
    // 3 of North's families said it did not help: hidden, and so is the total that would give it back.
    expect(shown.map((r) => r.notHelpful)).toEqual(['Suppressed', 0, 'Suppressed']);
  });
});
