import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows, type DatabaseKind } from '../platform/db/client.js';
import { ConflictError, ForbiddenError, ValidationError } from '../platform/http/errors.js';
import { legitimateRelationships } from '../platform/access/relationship.js';
import { databaseKinds } from '../../test/database.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { actorFor } from '../../test/actors.js';
import { addWorkingDays } from '../platform/time/working-days.js';
import { londonToday } from '../platform/time/form-dates.js';
import { moveReferral, submitReferral } from './service.js';

const kinds = await databaseKinds();

/** Routing, the first moves and their rules, as a GP, a hub lead and the lead's cover meet them. */
describe.each(kinds)('referrals and advice requests (%s)', (kind: DatabaseKind) => {
  let j: TestJoinery;
  let child: { id: string; cluster_id: string; lead_id: string };
  let cover: { id: string; email: string };
  const today = londonToday();
  const inIcs = <T>(fn: Parameters<TestJoinery['db']['tenant']>[1]) => j.db.tenant(j.ics.icsId, fn) as Promise<T>;
  const form = (over: Record<string, unknown> = {}) => ({ childId: child.id, kind: 'referral', urgency: 'soon', reason: 'Faltering growth', question: 'Is a coeliac screen needed?', ...over });

  beforeAll(async () => {
    j = await startJoinery(kind);
    [child] = await rows(j.db.owner, sql`SELECT c.id, cp.cluster_id, cl.lead_paediatrician_id AS lead_id FROM child c
      JOIN cluster_practice cp ON cp.practice_id = c.registered_practice_id JOIN cluster cl ON cl.id = cp.cluster_id
      WHERE c.registered_practice_id = (SELECT organisation_id FROM professional WHERE email = 'gp@demo.joinery.test')
        AND NOT EXISTS (SELECT 1 FROM referral r WHERE r.child_id = c.id) ORDER BY c.id LIMIT 1`);
    [cover] = await rows(j.db.owner, sql`SELECT p.id, p.email FROM professional p WHERE p.role = 'paediatrician' AND p.ics_id = ${j.ics.icsId}::uuid
      AND NOT EXISTS (SELECT 1 FROM cluster cl WHERE cl.lead_paediatrician_id = p.id) ORDER BY p.id LIMIT 1`);
  }, 120_000);
  afterAll(() => j?.close());

  it('refuses a referral without its reason or question, or from outside the child’s practice', async () => {
    const gp = await actorFor(j.db, 'gp@demo.joinery.test');
    const bad = await inIcs(async (tx) => submitReferral(tx, gp, form({ reason: '', question: ' ', urgency: 'whenever' }), today).catch((e) => e));
    expect(bad).toBeInstanceOf(ValidationError);
    expect(Object.keys((bad as ValidationError).fields).sort()).toEqual(['question', 'reason', 'urgency']);
    const paed = await actorFor(j.db, 'paediatrician@demo.joinery.test');
    await expect(inIcs((tx) => submitReferral(tx, paed, form(), today))).rejects.toBeInstanceOf(ForbiddenError);
    expect((await rows<{ n: number }>(j.db.owner, sql`SELECT count(*)::int AS n FROM referral WHERE child_id = ${child.id}::uuid`))[0].n).toBe(0);
  });

  it('routes to the hub’s cover when the lead is away, due in working days, and gives the cover access to the child', async () => {
    const gp = await actorFor(j.db, 'gp@demo.joinery.test');
    await j.db.owner.execute(sql`INSERT INTO triage_cover (ics_id, id, cluster_id, cover_id, starts_on, ends_on, created_by)
      VALUES (${j.ics.icsId}::uuid, gen_random_uuid(), ${child.cluster_id}::uuid, ${cover.id}::uuid, ${today}::date, ${today}::date + 7, ${child.lead_id}::uuid)`);
    const coverActor = await actorFor(j.db, cover.email);
    expect((await inIcs<unknown[]>((tx) => legitimateRelationships(tx, coverActor, child.id))).map((r) => (r as { kind: string }).kind)).not.toContain('referral');
    const id = await inIcs<string>((tx) => submitReferral(tx, gp, form(), today));
    const [r] = await rows<{ decision_maker_id: string; state: string; due_on: string }>(j.db.owner, sql`SELECT decision_maker_id, state, due_on::text FROM referral WHERE id = ${id}::uuid`);
    expect(r).toEqual({ decision_maker_id: cover.id, state: 'awaiting-triage', due_on: addWorkingDays(today, 2) });
    const [item] = await rows<{ title: string }>(j.db.owner, sql`SELECT title FROM worklist_item WHERE professional_id = ${cover.id}::uuid AND kind = 'referral'`);
    expect(item.title).toContain('Referral (soon)');
    expect((await inIcs<{ kind: string }[]>((tx) => legitimateRelationships(tx, coverActor, child.id))).map((x) => x.kind)).toContain('referral');
  });

  it('moves only as the state machine allows, by whoever may make the move, with what it must record', async () => {
    const [{ id, version }] = await rows<{ id: string; version: number }>(j.db.owner, sql`SELECT id, version FROM referral WHERE child_id = ${child.id}::uuid`);
    const gp = await actorFor(j.db, 'gp@demo.joinery.test');
    const coverActor = await actorFor(j.db, cover.email);
    await expect(inIcs((tx) => moveReferral(tx, gp, id, { to: 'returned', note: 'x', version }, today))).rejects.toBeInstanceOf(ForbiddenError);
    await expect(inIcs((tx) => moveReferral(tx, coverActor, id, { to: 'returned', version }, today))).rejects.toBeInstanceOf(ValidationError);
    await expect(inIcs((tx) => moveReferral(tx, coverActor, id, { to: 'booked', version }, today))).rejects.toBeInstanceOf(ConflictError);
    await inIcs((tx) => moveReferral(tx, coverActor, id, { to: 'returned', note: 'Please add the growth chart', version }, today));
    const events = await rows<{ to_state: string }>(j.db.owner, sql`SELECT to_state FROM referral_event WHERE referral_id = ${id}::uuid ORDER BY changed_at`);
    expect(events.map((e) => e.to_state)).toEqual(['awaiting-triage', 'returned']);
    const [told] = await rows<{ title: string }>(j.db.owner, sql`SELECT title FROM worklist_item WHERE professional_id = ${gp.professionalId}::uuid AND kind = 'triage-decision'`);
    expect(told.title).toBe('Decided: Return to the referrer');
    // Sent again with more information, it is back for triage.
    await inIcs((tx) => moveReferral(tx, gp, id, { to: 'awaiting-triage', note: 'Growth chart attached', version: version + 1 }, today));
  });

  // PGlite runs one transaction at a time, so only the server can race.
  if (kind === 'postgres') it('lets exactly one of two simultaneous triage decisions land', async () => {
    const [{ id, version }] = await rows<{ id: string; version: number }>(j.db.owner, sql`SELECT id, version FROM referral WHERE child_id = ${child.id}::uuid`);
    const lead = await actorFor(j.db, 'paediatrician@demo.joinery.test');
    const deciders = [await actorFor(j.db, cover.email), ...(lead.professionalId === child.lead_id ? [lead] : [await actorFor(j.db, cover.email)])];
    const results = await Promise.allSettled([
      inIcs((tx) => moveReferral(tx, deciders[0], id, { to: 'advice-given', note: 'Check tTG; review in 6 weeks', version }, today)),
      inIcs((tx) => moveReferral(tx, deciders[1], id, { to: 'awaiting-booking', note: 'See in the hub clinic', version }, today)),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected' && r.reason instanceof ConflictError)).toHaveLength(1);
  });
});
