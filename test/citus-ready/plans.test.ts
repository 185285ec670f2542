import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import crypto from 'node:crypto';
import type { Database } from '../../src/platform/db/client.js';
import { databaseKinds, freshDatabase } from '../database.js';
import { CITUS_WORKERS } from '../citus.js';
import { citusQueryProblems, explainAsOwner, type HeardStatement } from './queries.js';

// The query check's own test: each rule fails the SQL it is meant to fail and
// passes the SQL it is meant to pass, read from PostgreSQL's plans.

// Read from PostgreSQL's own plans: not on a Citus coordinator (decision 0029), whose EXPLAIN is Citus's and where the statements meet Citus itself.
const kinds = (await databaseKinds()).filter((k) => k === 'postgres' && !CITUS_WORKERS.length);
const ICS = crypto.randomUUID();
const CHILD = crypto.randomUUID();

describe.each(kinds)('reading statements as Citus distributed by ics_id would take them, on %s', () => {
  let db: Database;
  beforeAll(async () => {
    db = await freshDatabase('postgres');
  });
  afterAll(() => db?.close());

  const faultsOf = async (text: string, values: unknown[] = []) => {
    const heard = new Map<string, HeardStatement>([[text, { text, values, by: '', sources: new Set(['a test (src/tests.ts:1)']) }]]);
    return (await citusQueryProblems(db, ICS, heard)).flatMap((p) => p.faults);
  };

  it('passes a tenant query tied to the tenant, and joins and correlated subqueries that equate ics_id', async () => {
    expect(await faultsOf('SELECT id FROM child WHERE ics_id = $1 AND id = $2', [ICS, CHILD])).toEqual([]);
    expect(await faultsOf(`SELECT c.id, r.id FROM child c JOIN referral r ON r.ics_id = c.ics_id AND r.child_id = c.id WHERE c.ics_id = $1`, [ICS])).toEqual([]);
    expect(await faultsOf(`SELECT c.id, (SELECT count(*) FROM task t WHERE t.ics_id = c.ics_id AND t.child_id = c.id) FROM child c WHERE c.ics_id = $1`, [ICS])).toEqual([]);
    expect(await faultsOf(`INSERT INTO audit_event (ics_id, action, what) VALUES ($1::uuid, 'a', 'b'), ($1::uuid, 'c', 'd')`, [ICS])).toEqual([]);
  });

  it('fails a tenant query with no ics_id = the tenant', async () => {
    expect(await faultsOf('SELECT id FROM child WHERE id = $1', [CHILD])).toEqual(['reads child without ics_id = the tenant (Citus would read every shard)']);
    // Row-level security's own function does not count: Citus routes by a value, not by a function it must call.
    expect(await faultsOf('SELECT id FROM child WHERE ics_id = joinery_current_ics() AND id = $1', [CHILD])).toEqual(['reads child without ics_id = the tenant (Citus would read every shard)']);
  });

  it('fails a join and a correlated subquery that match on id alone', async () => {
    expect(await faultsOf(`SELECT c.id, r.id FROM child c JOIN referral r ON r.child_id = c.id WHERE c.ics_id = $1`, [ICS]))
      .toEqual(["joins or looks up referral (r) without equating its ics_id to the other tenant tables' (Citus refuses the join, or reads every shard)"]);
    expect(await faultsOf(`SELECT c.id, (SELECT count(*) FROM task t WHERE t.child_id = c.id) FROM child c WHERE c.ics_id = $1`, [ICS]))
      .toEqual(["joins or looks up task (t) without equating its ics_id to the other tenant tables' (Citus refuses the join, or reads every shard)"]);
    expect(await faultsOf(`SELECT id FROM child c WHERE c.ics_id = $1 AND EXISTS (SELECT 1 FROM referral r WHERE r.child_id = c.id)`, [ICS]))
      .toEqual(["joins or looks up referral (r) without equating its ics_id to the other tenant tables' (Citus refuses the join, or reads every shard)"]);
  });

  describe('subqueries tied to the tenant in different ways, as a Citus 13 cluster took them (decision 0029)', () => {
    const counted = `(SELECT count(*) FROM task t WHERE t.ics_id = c.ics_id AND t.child_id = c.id)`;
    const refused = "looks up referral (r) by a given ICS beside a subquery tied to the outer row's ics_id: Citus then needs every table joined on ics_id and refuses this one; equate its ics_id to the outer table's";

    it('fails a subquery given the ICS as a value beside one tied to the outer row, which Citus refused', async () => {
      const mixed = `SELECT c.id, ${counted} AS n, EXISTS (SELECT 1 FROM referral r WHERE r.ics_id = $1 AND r.child_id = c.id) AS e FROM child c WHERE c.ics_id = $1`;
      expect(await faultsOf(mixed, [ICS])).toEqual([refused]);
      // Inside a CTE Citus plans on its own, as it refused it there too.
      expect(await faultsOf(`WITH x AS MATERIALIZED (${mixed}) SELECT count(*) FROM x`, [ICS])).toEqual([refused]);
    });

    it('passes the shapes Citus ran: every subquery tied to the outer row, every table given the ICS, a join beside a tied subquery, a subquery run once', async () => {
      const ran = [
        `SELECT c.id, ${counted}, EXISTS (SELECT 1 FROM referral r WHERE r.ics_id = c.ics_id AND r.child_id = c.id) FROM child c WHERE c.ics_id = $1`,
        `SELECT c.id, (SELECT count(*) FROM task t WHERE t.ics_id = $1 AND t.child_id = c.id), EXISTS (SELECT 1 FROM referral r WHERE r.ics_id = $1 AND r.child_id = c.id) FROM child c WHERE c.ics_id = $1`,
        `SELECT c.id, ${counted}, (SELECT max(r.id::text) FROM referral r WHERE r.ics_id = $1) FROM child c WHERE c.ics_id = $1`,
        `SELECT c.id, ${counted} FROM child c JOIN referral r ON r.ics_id = $1 AND r.child_id = c.id WHERE c.ics_id = $1`,
        `SELECT c.id, (SELECT count(*) FROM task t WHERE t.ics_id = $1 AND t.ics_id = c.ics_id AND t.child_id = c.id), EXISTS (SELECT 1 FROM referral r WHERE r.ics_id = $1 AND r.child_id = c.id) FROM child c WHERE c.ics_id = $1`,
        `WITH x AS MATERIALIZED (SELECT c.id, ${counted} AS n, EXISTS (SELECT 1 FROM referral r WHERE r.ics_id = c.ics_id AND r.child_id = c.id) AS e FROM child c WHERE c.ics_id = $1) SELECT count(*) FROM x`,
      ];
      for (const statement of ran) expect(await faultsOf(statement, [ICS]), statement).toEqual([]);
    });
  });

  describe('a subquery PostgreSQL hashes, whose correlation its plan does not show', () => {
    const hashedBy = async (text: string, values: unknown[]) => JSON.stringify(await explainAsOwner(db, ICS, { text, values })).match(/hashed SubPlan \d+/g) ?? [];
    const untied = (alias: string) => `joins or looks up referral (${alias}) without equating its ics_id to the other tenant tables' (Citus refuses the join, or reads every shard)`;
    // An EXISTS beside an OR: PostgreSQL turns it into a hashed = ANY, and shows only "(hashed SubPlan N)".
    const childOrReferral = (tie: string) => `SELECT c.id FROM child c WHERE c.ics_id = $1 AND (c.id = $2 OR EXISTS (SELECT 1 FROM referral r WHERE ${tie} r.child_id = c.id AND r.kind = 'asd'))`;

    it('passes it when its text equates ics_id to the outer table or to a value', async () => {
      for (const tie of ['r.ics_id = c.ics_id AND', 'c.ics_id = r.ics_id AND', 'r.ics_id = $1::uuid AND']) {
        expect(await hashedBy(childOrReferral(tie), [ICS, CHILD])).toHaveLength(1);
        expect(await faultsOf(childOrReferral(tie), [ICS, CHILD])).toEqual([]);
      }
    });

    it('fails it when its text does not equate ics_id, as Citus would refuse it', async () => {
      expect(await hashedBy(childOrReferral(''), [ICS, CHILD])).toHaveLength(1);
      expect(await faultsOf(childOrReferral(''), [ICS, CHILD])).toEqual([untied('r')]);
      const notReferred = `SELECT c.id FROM child c WHERE c.ics_id = $1 AND c.id NOT IN (SELECT r.child_id FROM referral r WHERE r.kind = 'asd')`;
      expect(await hashedBy(notReferred, [ICS])).toHaveLength(1);
      expect(await faultsOf(notReferred, [ICS])).toEqual([untied('r')]);
    });

    it('fails it when what looks like a tie is not one of its conditions: in its select list, in a string, beside an OR', async () => {
      const notTies = [
        `SELECT c.id FROM child c WHERE c.ics_id = $1 AND (c.id = $2 OR EXISTS (SELECT r.ics_id = c.ics_id FROM referral r WHERE r.child_id = c.id AND r.kind = 'asd'))`,
        `SELECT c.id FROM child c WHERE c.ics_id = $1 AND (c.id = $2 OR EXISTS (SELECT 1 FROM referral r WHERE r.child_id = c.id AND r.kind = 'r.ics_id = c.ics_id'))`,
      ];
      for (const statement of notTies) {
        expect(await hashedBy(statement, [ICS, CHILD]), statement).toHaveLength(1);
        expect(await faultsOf(statement, [ICS, CHILD]), statement).toEqual([untied('r')]);
      }
      // Beside an OR (PostgreSQL then does not hash it; the plan shows the OR, and a tie under it may not hold).
      expect(await faultsOf(childOrReferral('(r.ics_id = c.ics_id OR r.kind = \'adhd\') AND'), [ICS, CHILD])).toEqual([untied('r')]);
    });

    it('fails it when the tie is in another subquery of the same alias, not in the hashed one', async () => {
      const counted = (tie: string) => `SELECT c.id, (SELECT count(*) FROM referral r WHERE r.ics_id = c.ics_id AND r.child_id = c.id) AS referrals FROM child c
        WHERE c.ics_id = $1 AND (c.id = $2 OR EXISTS (SELECT 1 FROM referral r WHERE ${tie} r.child_id = c.id AND r.kind = 'asd'))`;
      expect(await hashedBy(counted(''), [ICS, CHILD])).toHaveLength(1);
      // The plan calls the second referral r_1; the text calls both r.
      expect(await faultsOf(counted(''), [ICS, CHILD])).toEqual([untied('r_1')]);
      expect(await faultsOf(counted('r.ics_id = c.ics_id AND'), [ICS, CHILD])).toEqual([]);
    });
  });

  it('fails an insert into a tenant table whose rows come from a function, as Citus would COPY them', async () => {
    expect(await faultsOf(`INSERT INTO audit_event (ics_id, action, what) SELECT ics_id, action, what FROM json_populate_recordset(NULL::audit_event, $1::json)`, [JSON.stringify([{ ics_id: ICS, action: 'a', what: 'b' }])]))
      .toEqual(['inserts into audit_event rows from a function (Function Scan json_populate_recordset): Citus makes that a COPY, which row-level security refuses; send the rows as VALUES (bulkInsert)']);
  });

  it('fails an INSERT … VALUES into a tenant table with a subquery among its values, as Citus refuses it', async () => {
    const refused = 'inserts into care_plan_goal VALUES with a subquery among them (or in ON CONFLICT or RETURNING): Citus refuses subqueries within INSERT … VALUES; read the value in a statement of its own first';
    const goal = `INSERT INTO care_plan_goal (ics_id, id, plan_id, agency, goal, measure, position)`;
    const next = `(SELECT coalesce(max(g.position), 0) + 1 FROM care_plan_goal g WHERE g.ics_id = $1 AND g.plan_id = $3)`;
    // The shape insertGoal had (decision 0029): tied to the tenant, so only the subquery is wrong.
    expect(await faultsOf(`${goal} VALUES ($1::uuid, $2::uuid, $3::uuid, 'GP', 'Walk', 'Steps', ${next})`, [ICS, CHILD, CHILD])).toEqual([refused]);
    expect(await faultsOf(`${goal} VALUES ($1::uuid, $2::uuid, $3::uuid, 'GP', 'Walk', 'Steps', 1), ($1::uuid, gen_random_uuid(), $3::uuid, 'GP', 'Run', 'Steps', ${next})`, [ICS, CHILD, CHILD])).toEqual([refused]);
    // The value read first and sent as a parameter, or rows read from a table with INSERT … SELECT: no subquery in VALUES.
    expect(await faultsOf(`${goal} VALUES ($1::uuid, $2::uuid, $3::uuid, 'GP', 'Walk', 'Steps', $4)`, [ICS, CHILD, CHILD, 2])).toEqual([]);
    expect(await faultsOf(`${goal} SELECT g.ics_id, gen_random_uuid(), g.plan_id, g.agency, g.goal, g.measure, g.position + 1 FROM care_plan_goal g WHERE g.ics_id = $1 AND g.id = $2`, [ICS, CHILD])).toEqual([]);
  });

  it('fails an upsert into a tenant table whose DO UPDATE SET calls now(), which Citus refused when a member was invited again', async () => {
    const invite = (at: string) => `INSERT INTO mdt_member (ics_id, meeting_id, professional_id, invited_by) VALUES ($1::uuid, $2::uuid, $3::uuid, $3::uuid)
      ON CONFLICT (ics_id, meeting_id, professional_id) DO UPDATE SET removed_at = NULL, invited_at = ${at} WHERE mdt_member.removed_at IS NOT NULL RETURNING meeting_id`;
    expect(await faultsOf(invite('now()'), [ICS, CHILD, CHILD]))
      .toEqual(["inserts into mdt_member with now() in ON CONFLICT … DO UPDATE SET: Citus refuses a function that is not immutable there; take the proposed row's value (EXCLUDED.column) or a parameter"]);
    expect(await faultsOf(invite('excluded.invited_at'), [ICS, CHILD, CHILD])).toEqual([]);
  });

  it('says so when a statement cannot be explained, rather than passing it', async () => {
    expect(await faultsOf('SELECT nothing FROM no_such_table')).toEqual([expect.stringMatching(/^could not be explained \(relation "no_such_table" does not exist\)/)]);
  });
});
