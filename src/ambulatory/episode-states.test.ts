import { describe, expect, it } from 'vitest';
import { EPISODE_STATES, refusedMove, type EpisodeState } from './episode-states.js';

/** Written out from the issue: referred → accepted | declined → on ward → escalated ↔ on ward → discharged. */
const LEGAL = new Set([
  'referred>accepted', 'referred>declined', 'accepted>on-ward', 'on-ward>escalated', 'escalated>on-ward', 'on-ward>discharged', 'escalated>discharged',
]);

describe('virtual ward episode state machine', () => {
  const pairs = EPISODE_STATES.flatMap((from) => EPISODE_STATES.map((to) => [from, to] as [EpisodeState, EpisodeState]));
  it.each(pairs)('%s → %s', (from, to) => {
    expect(refusedMove(from, to) === null).toBe(LEGAL.has(`${from}>${to}`));
  });

  it('says why a move is refused, in words', () => {
    expect(refusedMove('referred', 'on-ward')).toBe('A child who is referred cannot be moved to on the ward.');
    expect(refusedMove('discharged', 'on-ward')).toBe('This stay on the virtual ward is discharged: refer the child again instead.');
    expect(refusedMove('declined', 'accepted')).toBe('This stay on the virtual ward is declined: refer the child again instead.');
  });
});
