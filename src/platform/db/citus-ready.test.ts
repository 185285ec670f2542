import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Database } from './client.js';
import { databaseKinds, freshDatabase } from '../../../test/database.js';
import { citusReadinessProblems } from '../../../test/citus-ready/catalogue.js';

// docs/decisions/0009-citus-ready-schema.md: a region or the nation runs on
// Citus with ics_id as the distribution column. These read the catalogue after
// every migration; which tables are reference or local is in test/citus-ready/catalogue.ts.

const kinds = await databaseKinds();

class RolledBack extends Error {
  constructor(readonly problems: string[]) {
    super('scratch schema rolled back');
  }
}

/** A deliberately bad schema, made and read inside one transaction that is then rolled back. */
async function problemsWithScratchSchema(db: Database): Promise<string[]> {
  try {
    await db.owner.transaction(async (tx) => {
      for (const ddl of [
        sql`CREATE TABLE scratch_parent (ics_id text, id uuid PRIMARY KEY)`,
        sql`CREATE TABLE scratch_visit (
              ics_id uuid NOT NULL, id uuid NOT NULL, parent_id uuid REFERENCES scratch_parent (id), child_id uuid, referral_id uuid, code text, seq serial,
              CONSTRAINT scratch_visit_pk PRIMARY KEY (ics_id, id),
              CONSTRAINT scratch_visit_code_unique UNIQUE (code),
              CONSTRAINT scratch_visit_child_fk FOREIGN KEY (ics_id, child_id) REFERENCES child (ics_id, id) ON DELETE SET NULL,
              -- Clears only the referral, keeping ics_id: allowed.
              CONSTRAINT scratch_visit_referral_fk FOREIGN KEY (ics_id, referral_id) REFERENCES referral (ics_id, id) ON DELETE SET NULL (referral_id))`,
        sql`SELECT joinery_tenant_table('scratch_visit')`,
        sql`CREATE UNIQUE INDEX scratch_visit_child_idx ON scratch_visit (child_id)`,
        sql`CREATE TABLE scratch_note (id bigint PRIMARY KEY, body text)`,
        sql`ALTER TABLE organisation ADD COLUMN scratch_visit_id uuid,
              ADD CONSTRAINT organisation_scratch_visit_fk FOREIGN KEY (ics_id, scratch_visit_id) REFERENCES scratch_visit (ics_id, id)`,
        sql`CREATE VIEW scratch_child_referrals AS SELECT c.id, r.id AS referral_id FROM child c JOIN referral r ON r.child_id = c.id`,
        // Issue 24, item 2: a session found by its hash alone, a national table's key without ics_id,
        // an ICS's rows left on the coordinator, and accounts no longer held in step with the sign-in directory.
        sql`CREATE UNIQUE INDEX scratch_session_token_idx ON session (token_hash)`,
        sql`CREATE UNIQUE INDEX scratch_organisation_ods_idx ON organisation (ods_code)`,
        sql`ALTER TABLE sign_in_attempt ADD COLUMN ics_id uuid`,
        sql`ALTER TABLE professional DROP CONSTRAINT professional_sign_in_directory_fk`,
        sql`CREATE POLICY scratch_never_deleted ON referral AS RESTRICTIVE FOR DELETE TO joinery_app USING (false)`,
        sql`CREATE FUNCTION scratch_referral_count(p_child uuid) RETURNS bigint LANGUAGE sql
              AS $$ SELECT count(*) FROM referral r JOIN child c ON c.id = r.child_id WHERE c.id = p_child $$`,
      ]) await tx.execute(ddl);
      throw new RolledBack(await citusReadinessProblems(tx));
    });
  } catch (e) {
    if (e instanceof RolledBack) return e.problems;
    throw e;
  }
  throw new Error('the scratch transaction was not rolled back');
}

describe.each(kinds)('a schema Citus can distribute by ics_id, on %s', (kind) => {
  let db: Database;
  beforeAll(async () => {
    db = await freshDatabase(kind);
  });
  afterAll(() => db?.close());

  it('every tenant table keeps ics_id in its keys, unique indexes and foreign keys (only a directory may leave it out), no local table holds an ICS’s rows, has row-level security on it, no view or function crosses tenants, and no LANGUAGE sql function reads a table Citus would hold', async () => {
    expect(await citusReadinessProblems(db.owner)).toEqual([]);
  });

  it('names the table and the constraint, view or function when a scratch schema breaks each rule', async () => {
    const problems = await problemsWithScratchSchema(db);
    const expected = [
      'scratch_note has no ics_id column and is not named a reference or local table',
      'scratch_parent lacks row-level security on ics_id (enabled, forced, and a policy on ics_id)',
      'scratch_parent.ics_id must be uuid NOT NULL to distribute and colocate by it (is text, nullable)',
      'scratch_visit.seq draws from a sequence of type integer: Citus needs bigint sequences on distributed tables',
      'organisation: foreign key organisation_scratch_visit_fk (ics_id, scratch_visit_id) → scratch_visit(ics_id, id): a reference table may point only at reference tables, not at a tenant table',
      'scratch_parent: primary key scratch_parent_pkey (id) does not include ics_id',
      'scratch_visit: unique constraint scratch_visit_code_unique (code) does not include ics_id',
      'scratch_visit: foreign key scratch_visit_child_fk (ics_id, child_id) → child(ics_id, id) would change ics_id (ON DELETE SET NULL or SET DEFAULT, or an ON UPDATE action), which Citus refuses on the distribution column',
      'scratch_visit: foreign key scratch_visit_parent_id_fkey (parent_id) → scratch_parent(id) does not pair ics_id with ics_id',
      'scratch_visit: unique index scratch_visit_child_idx (child_id) does not include ics_id',
      'session: unique index scratch_session_token_idx (token_hash) does not include ics_id',
      'organisation: unique index scratch_organisation_ods_idx (ods_code) does not include ics_id',
      "sign_in_attempt is named a local table but has an ics_id column: an ICS's rows belong in a tenant table keyed with ics_id (or a directory)",
      'professional has no foreign key on ics_id to its directory sign_in_directory, so a row could be out of step with it',
      expect.stringMatching(/^view scratch_child_referrals joins child \(c\) and referral \(r\) without equating their ics_id: "select c\.id, r\.id as referral_id from \(child c join referral r on/),
      "view scratch_child_referrals reads tenant tables with its owner's rights (not security_invoker), so row-level security does not apply",
      expect.stringMatching(/^function scratch_referral_count joins referral \(r\) and child \(c\) without equating their ics_id: "select count\(\*\) from referral r join child c/),
      expect.stringMatching(/^function scratch_referral_count reads referral \(r\) without saying which ICS \(no ics_id = a parameter or variable\)/),
      expect.stringMatching(/^function scratch_referral_count reads child \(c\) without saying which ICS \(no ics_id = a parameter or variable\)/),
      'function scratch_referral_count is LANGUAGE sql and reads a table Citus would hold: Citus cannot plan it; write it in PL/pgSQL',
      'referral: policy scratch_never_deleted is RESTRICTIVE, which Citus copies to the shards as permissive (it would let rows through there); refuse with a trigger or narrow the permissive policy instead',
    ];
    expect(problems).toEqual(expect.arrayContaining(expected));
    expect(problems).toHaveLength(expected.length);
  });

  it('leaves no trace of the scratch schema', async () => {
    await problemsWithScratchSchema(db);
    expect(await citusReadinessProblems(db.owner)).toEqual([]);
  });
});
