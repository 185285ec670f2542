import type { Actor } from '../platform/access/actor.js';
import { deny, has, policy, type Decision } from '../platform/access/policy.js';

/**
 * Who may change accounts. Administrators manage organisations, clusters and
 * users (the platform's manageOrganisations, which the header asks), but
 * cannot lock themselves out: an administrator who did could leave no one
 * able to manage accounts.
 */
export const adminPolicy = {
  manageAccounts(actor: Actor): Decision {
    return policy.manageOrganisations(actor);
  },

  /** Switching an account on or off: any but your own off. */
  setAccountActive(actor: Actor, accountId: string, active: boolean): Decision {
    const admin = adminPolicy.manageAccounts(actor);
    if (!admin.allowed) return admin;
    return accountId === actor.professionalId && !active ? deny('You cannot deactivate your own account') : admin;
  },

  /** Giving an account a role: any, but your own stays an administrator's. */
  setAccountRole(actor: Actor, accountId: string, role: string): Decision {
    const admin = adminPolicy.manageAccounts(actor);
    if (!admin.allowed) return admin;
    return accountId === actor.professionalId && !has({ role }, ['admin']) ? deny('You cannot remove your own administrator role') : admin;
  },
};
