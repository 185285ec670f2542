/**
 * A child's stay on the virtual ward: referred, then accepted or declined;
 * accepted children come onto the ward; an escalation moves them to
 * escalated and acknowledging it brings them back; discharge ends the stay
 * from the ward or from an escalation (admitted to hospital, say). Every
 * other move is refused with the reason in words.
 */
export const EPISODE_STATES = ['referred', 'accepted', 'declined', 'on-ward', 'escalated', 'discharged'] as const;
export type EpisodeState = (typeof EPISODE_STATES)[number];

/** States in which the child is the ward's to care for (or to decide about). */
export const LIVE_STATES: readonly EpisodeState[] = ['referred', 'accepted', 'on-ward', 'escalated'];

export const EPISODE_STATE_WORDS: Record<EpisodeState, string> = {
  referred: 'Referred', accepted: 'Accepted', declined: 'Declined', 'on-ward': 'On the ward', escalated: 'Escalated', discharged: 'Discharged',
};

export const EPISODE_MOVES: Record<EpisodeState, readonly EpisodeState[]> = {
  referred: ['accepted', 'declined'],
  accepted: ['on-ward'],
  declined: [],
  'on-ward': ['escalated', 'discharged'],
  escalated: ['on-ward', 'discharged'],
  discharged: [],
};

/** null when the move is legal, else why not. */
export function refusedMove(from: EpisodeState, to: EpisodeState): string | null {
  if (EPISODE_MOVES[from].includes(to)) return null;
  if (EPISODE_MOVES[from].length === 0) return `This stay on the virtual ward is ${EPISODE_STATE_WORDS[from].toLowerCase()}: refer the child again instead.`;
  return `A child who is ${EPISODE_STATE_WORDS[from].toLowerCase()} cannot be moved to ${EPISODE_STATE_WORDS[to].toLowerCase()}.`;
}
