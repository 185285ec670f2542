import { describe, expect, it } from 'vitest';
import type { Decision } from '../platform/access/decision.js';
import { ROLE_IDS } from '../platform/access/roles.js';
import { EVERYONE, ME, actorFor, type Who } from '../platform/access/test-actors.js';
import { adminPolicy } from './policy.js';

const ADMINISTRATOR: Decision = { allowed: true, why: 'administrator' };
const no = (reason: string): Decision => ({ allowed: false, reason });
const NOT_ADMIN = no('Only an administrator manages organisations, clusters and users.');

/** Whose account is changed, and to what: the actor's own or someone else's; active or not; each role. */
const ACCOUNTS = [ME, 'someone-else'] as const;

/** Written out from the rules: administrators change any account, but never switch off their own or take away their own administrator role. */
function expected(who: Who, account: string, change: { active: boolean } | { role: string }): Decision {
  if (who !== 'admin') return NOT_ADMIN;
  if (account !== ME) return ADMINISTRATOR;
  if ('active' in change) return change.active ? ADMINISTRATOR : no('You cannot deactivate your own account');
  return change.role === 'admin' ? ADMINISTRATOR : no('You cannot remove your own administrator role');
}

describe('account administration policy matrix', () => {
  it.each(EVERYONE)('%s managing accounts', (who) => {
    expect(adminPolicy.manageAccounts(actorFor(who))).toEqual(who === 'admin' ? ADMINISTRATOR : NOT_ADMIN);
  });

  it.each(EVERYONE.flatMap((who) => ACCOUNTS.flatMap((account) => [true, false].map((active) => [who, account, active] as const))))(
    '%s setting account %s active: %s', (who, account, active) => {
      expect(adminPolicy.setAccountActive(actorFor(who), account, active)).toEqual(expected(who, account, { active }));
    },
  );

  it.each(EVERYONE.flatMap((who) => ACCOUNTS.flatMap((account) => ROLE_IDS.map((role) => [who, account, role] as const))))(
    '%s giving account %s the role %s', (who, account, role) => {
      expect(adminPolicy.setAccountRole(actorFor(who), account, role)).toEqual(expected(who, account, { role }));
    },
  );
});
