import { describe, expect, it } from 'vitest';
import { EVERYONE, actorFor } from '../platform/access/test-actors.js';
import { privacyPolicy } from './policy.js';

/** Written out: only a privacy officer reviews, and every refusal says so in words. */
const ANSWERS = {
  reviewAccess: {
    allowed: { allowed: true, why: 'privacy officer' },
    refused: { allowed: false, reason: 'Only a privacy officer reviews emergency access and reveals of sensitive entries.' },
  },
  readIcsAccessLog: {
    allowed: { allowed: true, why: 'privacy officer review' },
    refused: { allowed: false, reason: 'Only a privacy officer reads every audit event in full.' },
  },
  reviewAccountChanges: {
    allowed: { allowed: true, why: 'privacy officer review of account changes' },
    refused: { allowed: false, reason: 'Only a privacy officer reviews account changes.' },
  },
} as const;

describe('privacy review policy matrix', () => {
  const actions = Object.keys(ANSWERS) as (keyof typeof ANSWERS)[];

  it('has an answer written for every rule', () => {
    expect(Object.keys(privacyPolicy).sort()).toEqual([...actions].sort());
  });

  it.each(EVERYONE.flatMap((who) => actions.map((action) => [who, action] as const)))('%s → %s', (who, action) => {
    expect(privacyPolicy[action](actorFor(who))).toEqual(who === 'privacy-officer' ? ANSWERS[action].allowed : ANSWERS[action].refused);
  });
});
