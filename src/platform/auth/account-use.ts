import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../db/client.js';
import type { OrganisationKind } from '../access/organisation-kinds.js';
import type { Role } from '../access/roles.js';
import { roleFits, roleMisfitWords } from '../access/role-fit.js';

/**
 * Whether an active account with the right password may be used. Its role
 * must fit its organisation's kind, whatever an older version of Joinery
 * let an administrator save: the role is refused, never granted. And a
 * change waiting for a second administrator's approval (duties.ts) keeps it
 * out until approved.
 */
export type AccountFacts = { role: Role; organisation_kind: OrganisationKind; awaiting_approval: boolean };

/**
 * The columns accountRefusal needs, for a query over professional p joined to
 * organisation o, once the tenant is set. The waiting changes are an
 * uncorrelated subquery: on Citus, professional is a reference table, and a
 * subquery correlated with one cannot be planned.
 */
export const accountFactsOf = (icsId: string) => sql`p.role, o.kind AS organisation_kind,
  p.id IN (SELECT d.professional_id FROM duty_check d WHERE d.ics_id = ${icsId}::uuid AND d.mode = 'approval' AND d.decided_at IS NULL) AS awaiting_approval`;

/** Why the account may not be used, in words for the person signing in; null when it may. */
export function accountRefusal(a: AccountFacts): string | null {
  if (!roleFits(a.role, a.organisation_kind)) {
    return `${roleMisfitWords(a.role, a.organisation_kind)}, so this account cannot be used. Ask your ICS’s Joinery administrator to correct it.`;
  }
  if (a.awaiting_approval) {
    return 'A change to this account is waiting for a second administrator to approve it. You can sign in once another administrator has approved it.';
  }
  return null;
}

/** The facts accountRefusal needs, read in the tenant the caller has set. */
export async function accountFacts(tx: Tx, icsId: string, professionalId: string): Promise<AccountFacts | undefined> {
  const [found] = await rows<AccountFacts>(tx, sql`SELECT ${accountFactsOf(icsId)}
      FROM professional p JOIN organisation o ON o.ics_id = p.ics_id AND o.id = p.organisation_id
     WHERE p.id = ${professionalId}::uuid`);
  return found;
}
