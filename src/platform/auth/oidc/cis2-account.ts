import { sql } from 'drizzle-orm';
import { rows, setTenant, type Database } from '../../db/client.js';
import { textArray } from '../../db/bulk.js';
import type { Role } from '../../access/roles.js';
import type { OrganisationKind } from '../../access/organisation-kinds.js';
import { accountRefusal, accountFactsOf, type AccountFacts } from '../account-use.js';
import type { LinkedAccount } from './cis2-role-check.js';

export type Cis2Accounts =
  | { found: true; icsId: string; accounts: LinkedAccount[] }
  | { found: false; why: 'not-linked' | 'linked-twice' };

/**
 * The Joinery accounts an administrator linked to this CIS2 identity: one
 * person may have one for each role at each organisation. Looked up before
 * the tenant is known (as password sign-in looks up an email); an identity
 * linked in two ICSs is refused rather than one picked.
 */
export async function cis2Accounts(db: Database, uid: string): Promise<Cis2Accounts> {
  const found = await db.platform((tx) => rows<{ ics_id: string; id: string }>(tx, sql`SELECT ics_id, id FROM joinery_cis2_lookup(${uid})`));
  if (found.length === 0) return { found: false, why: 'not-linked' };
  const icsId = found[0]!.ics_id;
  if (found.some((f) => f.ics_id !== icsId)) return { found: false, why: 'linked-twice' };
  const facts = await db.platform(async (tx) => {
    await setTenant(tx, icsId);
    return rows<AccountFacts & { id: string; active: boolean; ods_code: string; organisation_name: string }>(tx, sql`
      SELECT p.id, p.active, ${accountFactsOf(icsId)}, o.ods_code, o.name AS organisation_name
        FROM professional p JOIN organisation o ON o.ics_id = p.ics_id AND o.id = p.organisation_id
       WHERE p.ics_id = ${icsId}::uuid AND p.id = ANY(${textArray(found.map((f) => f.id))}::uuid[])
       ORDER BY o.name, p.role`);
  });
  if (facts.length === 0) return { found: false, why: 'not-linked' };
  return {
    found: true, icsId,
    accounts: facts.map((f) => ({
      professionalId: f.id, role: f.role as Role, odsCode: f.ods_code, organisationName: f.organisation_name,
      organisationKind: f.organisation_kind as OrganisationKind, active: f.active, refusal: accountRefusal(f),
    })),
  };
}
