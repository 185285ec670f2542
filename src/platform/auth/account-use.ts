import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../db/client.js';
import type { OrganisationKind } from '../../organisations/schema.js';
import type { Role } from '../access/roles.js';
import { roleFits, roleMisfitWords } from '../access/role-fit.js';

/**
 * Whether an active account with the right password may be used. Its role
 * must fit its organisation's kind, whatever an older version of Joinery
 * let an administrator save: the role is refused, never granted.
 */
export type AccountFacts = { role: Role; organisation_kind: OrganisationKind };

/** Why the account may not be used, in words for the person signing in; null when it may. */
export function accountRefusal(a: AccountFacts): string | null {
  if (!roleFits(a.role, a.organisation_kind)) {
    return `${roleMisfitWords(a.role, a.organisation_kind)}, so this account cannot be used. Ask your ICS’s Joinery administrator to correct it.`;
  }
  return null;
}

/** The facts accountRefusal needs, read in the tenant the caller has set. */
export async function accountFacts(tx: Tx, professionalId: string): Promise<AccountFacts | undefined> {
  const [found] = await rows<AccountFacts>(tx, sql`SELECT p.role, o.kind AS organisation_kind
      FROM professional p JOIN organisation o ON o.ics_id = p.ics_id AND o.id = p.organisation_id
     WHERE p.id = ${professionalId}::uuid`);
  return found;
}
