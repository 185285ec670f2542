import { describe, expect, it } from 'vitest';
import { readFilters } from './filters.js';
import { defaultPeriod, selectableMonths } from './period.js';

const TODAY = '2026-11-23';

describe('activity filters', () => {
  it('default to the last 12 complete months and the first scope offered', () => {
    expect(defaultPeriod(TODAY)).toEqual({ from: '2025-11', to: '2026-10' });
    expect(readFilters({}, TODAY, 'ics')).toEqual({
      values: { scope: 'ics', from: '2025-11', to: '2026-10' }, fields: {}, filters: { scope: { kind: 'ics' }, from: '2025-11', to: '2026-10' },
    });
  });

  it('offer the last five years up to this month', () => {
    const months = selectableMonths(TODAY);
    expect(months).toHaveLength(60);
    expect([months[0], months.at(-1)]).toEqual(['2026-11', '2021-12']);
  });

  it('name the field that is wrong', () => {
    expect(readFilters({ from: '2021-11' }, TODAY, 'ics').fields).toEqual({ from: 'The first month must be a month from December 2021 to November 2026' });
    expect(readFilters({ to: '2026-12' }, TODAY, 'ics').fields).toEqual({ to: 'The last month must be a month from December 2021 to November 2026' });
    expect(readFilters({ from: '2026-02', to: '2026-01' }, TODAY, 'ics').fields).toEqual({ to: 'The last month must be the same as or after the first month' });
    expect(readFilters({ scope: ['ics', 'ics'] }, TODAY, 'ics').fields).toEqual({ scope: 'Select the whole ICS or a hub' });
    expect(readFilters({ from: '2021-12', to: '2026-11' }, TODAY, 'ics').fields).toEqual({});
  });

  it('read the query as typed: trimmed, cut short, empty taking the default and anything not a string refused', () => {
    expect(readFilters({ scope: '  ics ', from: ' 2026-01', to: '' }, TODAY, 'other').values).toEqual({ scope: 'ics', from: '2026-01', to: '2026-10' });
    expect(readFilters({ from: '2026-01-15' }, TODAY, 'ics')).toMatchObject({ values: { from: '2026-01' }, fields: {} });
    expect(readFilters({ from: '   ' }, TODAY, 'ics').fields).toEqual({ from: expect.stringMatching(/^The first month must be/) });
    expect(readFilters({ to: ['2026-01', '2026-02'] }, TODAY, 'ics')).toMatchObject({ values: { to: '' }, fields: { to: expect.stringMatching(/^The last month must be/) } });
    for (const query of [undefined, null, 'scope=ics', ['ics']]) {
      expect(readFilters(query, TODAY, 'ics').filters).toEqual({ scope: { kind: 'ics' }, from: '2025-11', to: '2026-10' });
    }
  });
});
