import { describe, expect, it } from 'vitest';
import { crossTenantReads } from './sql-joins.js';

const tenant = new Set(['child', 'referral', 'record_freeze', 'task']);
const joins = (text: string) => crossTenantReads(text, tenant, false);
const pinned = (text: string) => crossTenantReads(text, tenant, true);

describe('reading the SQL of a view or function for reads across ICSs', () => {
  it('refuses a join on the child id alone, as PostgreSQL prints a view', () => {
    expect(joins('SELECT c.id FROM (child c JOIN referral r ON ((r.child_id = c.id)))')).toEqual([
      'joins child (c) and referral (r) without equating their ics_id: "select c.id from (child c join referral r on ((r.child_id = c.id)))"',
    ]);
  });

  it('accepts the same join once ics_id is equated, in either order or through JOIN … USING', () => {
    expect(joins('SELECT c.id FROM (child c JOIN referral r ON (((r.ics_id = c.ics_id) AND (r.child_id = c.id))))')).toEqual([]);
    expect(joins('SELECT 1 FROM child c JOIN referral USING (ics_id, id)')).toEqual([]);
  });

  it('reads a comma-separated FROM list as a join', () => {
    expect(joins('SELECT 1 FROM child c, referral r WHERE r.child_id = c.id')).toEqual([
      'joins child (c) and referral (r) without equating their ics_id: "SELECT 1 FROM child c, referral r WHERE r.child_id = c.id"'.toLowerCase(),
    ]);
    expect(joins('SELECT 1 FROM child c, referral r WHERE r.child_id = c.id AND c.ics_id = r.ics_id')).toEqual([]);
  });

  it('counts two tables tied to the same ICS parameter as joined within it', () => {
    expect(joins('SELECT 1 FROM child c JOIN referral r ON r.child_id = c.id WHERE c.ics_id = $1 AND r.ics_id = $1')).toEqual([]);
    expect(joins('SELECT 1 FROM child c JOIN referral r ON r.child_id = c.id WHERE c.ics_id = $1 AND r.ics_id = $2')).toHaveLength(1);
  });

  it('in a function body, wants every tenant table tied to a given ICS, dynamic SQL included', () => {
    expect(pinned(`IF EXISTS (SELECT 1 FROM record_freeze f WHERE f.child_id = ANY(children)) THEN RAISE EXCEPTION 'frozen'; END IF;`)).toEqual([
      'reads record_freeze (f) without saying which ICS (no ics_id = a parameter or variable): "if exists (select 1 from record_freeze f where f.child_id = any(children)) then raise exception frozen"',
    ]);
    expect(pinned('SELECT 1 FROM record_freeze f WHERE f.ics_id = tenant AND f.child_id = ANY(children)')).toEqual([]);
    expect(pinned(`EXECUTE format('SELECT array_agg(child_id) FROM %I WHERE %I = $1', a, b) INTO children`)).toEqual([
      expect.stringMatching(/^reads a table named at run time \(%I\) without saying which ICS/),
    ]);
    expect(pinned(`EXECUTE format('SELECT array_agg(child_id) FROM %I WHERE ics_id = $2 AND %I = $1', a, b) INTO children`)).toEqual([]);
    expect(pinned('SELECT t.id FROM task t WHERE t.ics_id = joinery_current_ics()')).toEqual([]);
  });

  it('in a function body, takes an INSERT … VALUES whose ics_id is a parameter or variable as written to that ICS, and no other value', () => {
    expect(pinned('INSERT INTO child (id, ics_id, given_name) VALUES (new_id, tenant, name)')).toEqual([]);
    expect(pinned('INSERT INTO child (ics_id, id) VALUES ($1, $2)')).toEqual([]);
    expect(pinned('INSERT INTO child (id, ics_id) VALUES (new_id, old.ics_id)')).toEqual([
      expect.stringMatching(/^reads child without saying which ICS/),
    ]);
    expect(pinned('INSERT INTO child (id, given_name) VALUES (new_id, name)')).toEqual([
      expect.stringMatching(/^reads child without saying which ICS/),
    ]);
  });

  it('ignores tables that are not tenant tables and table names inside comments', () => {
    expect(pinned('SELECT p.id FROM professional p WHERE p.email = lower(p_email) -- not FROM child')).toEqual([]);
  });
});
