import { sql } from 'drizzle-orm';
import { rows, type Database } from '../../db/client.js';
import type { Role } from '../../access/roles.js';
import type { OrganisationKind } from '../../access/organisation-kinds.js';
import { accountRefusal, ACCOUNT_FACTS, type AccountFacts } from '../account-use.js';
import type { LinkedAccount } from './cis2-role-check.js';

export type Cis2Account =
  | { found: true; icsId: string; professionalId: string; account: LinkedAccount }
  | { found: false; why: 'not-linked' | 'linked-twice' | 'inactive' | 'refused'; words?: string };

/**
 * The Joinery account an administrator linked to this CIS2 identity. Looked
 * up before the tenant is known (as password sign-in looks up an email); an
 * identity linked in two ICSs is refused rather than one picked.
 */
export async function cis2Account(db: Database, uid: string): Promise<Cis2Account> {
  const found = await db.platform((tx) => rows<{ ics_id: string; id: string; active: boolean }>(tx, sql`SELECT * FROM joinery_cis2_lookup(${uid})`));
  if (found.length === 0) return { found: false, why: 'not-linked' };
  if (found.length > 1) return { found: false, why: 'linked-twice' };
  const [{ ics_id: icsId, id, active }] = found;
  if (!active) return { found: false, why: 'inactive' };
  const facts = await db.platform(async (tx) => {
    await tx.execute(sql`SELECT set_config('app.ics_id', ${icsId}, true)`);
    const [p] = await rows<AccountFacts & { ods_code: string; organisation_name: string }>(tx, sql`
      SELECT ${ACCOUNT_FACTS}, o.ods_code, o.name AS organisation_name
        FROM professional p JOIN organisation o ON o.ics_id = p.ics_id AND o.id = p.organisation_id
       WHERE p.id = ${id}::uuid`);
    return p;
  });
  if (!facts) return { found: false, why: 'not-linked' };
  const refusal = accountRefusal(facts);
  if (refusal) return { found: false, why: 'refused', words: refusal };
  return {
    found: true, icsId, professionalId: id,
    account: { role: facts.role as Role, odsCode: facts.ods_code, organisationName: facts.organisation_name, organisationKind: facts.organisation_kind as OrganisationKind },
  };
}
