import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type SQL } from 'drizzle-orm';
import { rows } from './platform/db/client.js';
import type { Actor } from './platform/access/actor.js';
import type { RelationshipSupplier } from './platform/access/relationship.js';
import { agencyOfRole } from './platform/access/roles.js';
import { breakGlass, careTeam, registration } from './children/relationship.js';
import { clusterLead } from './organisations/relationship.js';
import { referralRelationship } from './referrals/relationship.js';
import { bookedIntoYourClinicSql } from './clinics/relationship.js';
import { MDT_ACCESS_DAYS, mdtCase } from './mdt/relationship.js';
import { actionOwner } from './tasks/relationship.js';
import { databaseKinds } from '../test/database.js';
import { startJoinery, type TestJoinery } from '../test/joinery.js';
import { actorFor } from '../test/actors.js';

const kinds = await databaseKinds();

/**
 * Each capability's relationship supplier, on its own: the rows it gives for
 * one child (kind and detail) and whether its list predicate over a child row
 * agrees. The data is changed as the owner and put back after each case.
 */
describe.each(kinds)('the relationships each capability supplies (%s)', (kind) => {
  let j: TestJoinery;
  const owner = (query: SQL) => j.db.owner.execute(query);
  const one = async <T>(query: SQL) => (await rows<T>(j.db.owner, query))[0];
  const actorOf = async (professionalId: string) =>
    actorFor(j.db, (await one<{ email: string }>(sql`SELECT email FROM professional WHERE id = ${professionalId}::uuid`)).email);

  /** What the supplier says of this actor and child, as the app's role sees the data. */
  async function supplied(supplier: RelationshipSupplier, actor: Actor, childId: string) {
    return j.db.tenant(actor.icsId, async (tx) => {
      const query = supplier.withChild(actor, sql`${childId}::uuid`);
      const found = query ? await rows<{ kind: string; detail: string }>(tx, sql`SELECT r.kind, r.detail FROM (${query}) r`) : [];
      const predicate = supplier.standing(actor);
      const standing = predicate
        ? (await rows<{ yes: boolean }>(tx, sql`SELECT ${predicate} AS yes FROM child c WHERE c.ics_id = ${actor.icsId}::uuid AND c.id = ${childId}::uuid`))[0].yes
        : null;
      return { rows: found.map((r) => ({ kind: r.kind, detail: r.detail })), standing };
    });
  }

  beforeAll(async () => {
    j = await startJoinery(kind);
  });
  afterAll(() => j?.close());

  describe('MDT case (mdt/relationship.ts)', () => {
    const MDT = { kind: 'mdt-case', detail: 'on the case list of an MDT meeting you are invited to' };
    let m: { meeting_id: string; case_id: string; child_id: string; professional_id: string; starts_at: string; meeting_status: string; case_status: string };
    let member: Actor;
    beforeAll(async () => {
      m = await one(sql`SELECT mm.id AS meeting_id, mc.id AS case_id, mc.child_id, mb.professional_id, mm.starts_at, mm.status AS meeting_status, mc.status AS case_status
        FROM mdt_case mc JOIN mdt_meeting mm ON mm.ics_id = mc.ics_id AND mm.id = mc.meeting_id
        JOIN mdt_member mb ON mb.ics_id = mc.ics_id AND mb.meeting_id = mc.meeting_id
        JOIN professional p ON p.ics_id = mb.ics_id AND p.id = mb.professional_id
        WHERE mc.ics_id = ${j.ics.icsId}::uuid AND mm.ics_id = ${j.ics.icsId}::uuid AND mb.ics_id = ${j.ics.icsId}::uuid AND mb.removed_at IS NULL AND mc.status <> 'withdrawn' AND mm.status <> 'cancelled' AND p.email IS NOT NULL
        ORDER BY mm.starts_at DESC, mc.id LIMIT 1`);
      member = await actorOf(m.professional_id);
    });
    const heldDaysAgo = (days: number) => owner(sql`UPDATE mdt_meeting SET starts_at = now() - make_interval(days => ${days}) WHERE id = ${m.meeting_id}::uuid`);
    const restore = async () => {
      await owner(sql`UPDATE mdt_meeting SET starts_at = ${m.starts_at}::timestamptz, status = ${m.meeting_status} WHERE id = ${m.meeting_id}::uuid`);
      await owner(sql`UPDATE mdt_case SET status = ${m.case_status} WHERE id = ${m.case_id}::uuid`);
      await owner(sql`UPDATE mdt_member SET removed_at = NULL WHERE meeting_id = ${m.meeting_id}::uuid AND professional_id = ${m.professional_id}::uuid`);
    };

    it(`a member of a meeting held within ${MDT_ACCESS_DAYS} days, with the child on its case list, relates to the child`, async () => {
      try {
        await heldDaysAgo(MDT_ACCESS_DAYS - 1);
        expect(await supplied(mdtCase, member, m.child_id)).toEqual({ rows: [MDT], standing: true });
        await heldDaysAgo(MDT_ACCESS_DAYS + 1);
        expect(await supplied(mdtCase, member, m.child_id)).toEqual({ rows: [], standing: false });
      } finally {
        await restore();
      }
    });

    it('a removed member, a withdrawn case or a cancelled meeting relates no one', async () => {
      const changes = [
        sql`UPDATE mdt_member SET removed_at = now() WHERE meeting_id = ${m.meeting_id}::uuid AND professional_id = ${m.professional_id}::uuid`,
        sql`UPDATE mdt_case SET status = 'withdrawn' WHERE id = ${m.case_id}::uuid`,
        sql`UPDATE mdt_meeting SET status = 'cancelled' WHERE id = ${m.meeting_id}::uuid`,
      ];
      for (const change of changes) {
        try {
          await heldDaysAgo(1);
          expect(await supplied(mdtCase, member, m.child_id)).toEqual({ rows: [MDT], standing: true });
          await owner(change);
          expect(await supplied(mdtCase, member, m.child_id)).toEqual({ rows: [], standing: false });
        } finally {
          await restore();
        }
      }
    });
  });

  describe('registration, care team and emergency access (children/relationship.ts)', () => {
    it('a GP or practice nurse of the registered practice; another practice or role is not; a system through its organisation', async () => {
      const gp = await actorFor(j.db, 'gp@demo.joinery.test');
      const c = await one<{ id: string; practice: string }>(sql`SELECT c.id, o.name AS practice FROM child c JOIN organisation o ON o.ics_id = c.ics_id AND o.id = c.registered_practice_id
        WHERE c.ics_id = ${gp.icsId}::uuid AND c.registered_practice_id = ${gp.organisationId}::uuid ORDER BY c.id LIMIT 1`);
      const elsewhere = await one<{ id: string }>(sql`SELECT id FROM child WHERE ics_id = ${gp.icsId}::uuid AND registered_practice_id <> ${gp.organisationId}::uuid ORDER BY id LIMIT 1`);
      expect(await supplied(registration, gp, c.id)).toEqual({ rows: [{ kind: 'registered-practice', detail: c.practice }], standing: true });
      expect(await supplied(registration, gp, elsewhere.id)).toEqual({ rows: [], standing: false });
      const paediatrician = await actorFor(j.db, 'paediatrician@demo.joinery.test');
      expect(await supplied(registration, paediatrician, c.id)).toEqual({ rows: [], standing: null });

      const feed = { ...gp, role: 'system' as const, name: 'Practice feed', system: { clientId: 'feed', scopes: [], clientOrganisationId: gp.organisationId } };
      expect(await supplied(registration, feed, c.id)).toEqual({ rows: [{ kind: 'organisation-feed', detail: 'Practice feed (registered practice)' }], standing: true });
      expect(await supplied(registration, feed, elsewhere.id)).toEqual({ rows: [], standing: false });
      const engine = { ...feed, name: 'ICS engine', system: { ...feed.system, clientOrganisationId: null } };
      expect(await supplied(registration, engine, elsewhere.id)).toEqual({ rows: [{ kind: 'integration-engine', detail: 'ICS engine' }], standing: true });
    });

    it('a current care team place relates its member (and a system of their organisation); an ended one does not', async () => {
      const place = await one<{ id: string; child_id: string; professional_id: string; role_in_team: string }>(sql`SELECT m.id, m.child_id, m.professional_id, m.role_in_team
        FROM care_team_member m JOIN professional p ON p.ics_id = m.ics_id AND p.id = m.professional_id
        WHERE m.ics_id = ${j.ics.icsId}::uuid AND m.ended_at IS NULL AND p.email IS NOT NULL ORDER BY m.id LIMIT 1`);
      const member = await actorOf(place.professional_id);
      const feed = { ...member, role: 'system' as const, name: 'Team feed', system: { clientId: 'feed', scopes: [], clientOrganisationId: member.organisationId } };
      try {
        expect((await supplied(careTeam, member, place.child_id)).rows).toContainEqual({ kind: 'care-team', detail: place.role_in_team });
        expect((await supplied(careTeam, member, place.child_id)).standing).toBe(true);
        expect((await supplied(careTeam, feed, place.child_id)).rows).toContainEqual({ kind: 'organisation-feed', detail: `Team feed (care team: ${place.role_in_team})` });
        await owner(sql`UPDATE care_team_member SET ended_at = now() WHERE id = ${place.id}::uuid`);
        expect((await supplied(careTeam, member, place.child_id)).rows).not.toContainEqual({ kind: 'care-team', detail: place.role_in_team });
      } finally {
        await owner(sql`UPDATE care_team_member SET ended_at = NULL WHERE id = ${place.id}::uuid`);
      }
    });

    it('emergency access relates with its reason until it expires, and is never a standing relationship', async () => {
      const gp = await actorFor(j.db, 'gp@demo.joinery.test');
      const child = await one<{ id: string }>(sql`SELECT id FROM child WHERE ics_id = ${gp.icsId}::uuid AND registered_practice_id <> ${gp.organisationId}::uuid ORDER BY id DESC LIMIT 1`);
      const id = crypto.randomUUID();
      await owner(sql`INSERT INTO break_glass (ics_id, id, professional_id, child_id, reason, expires_at)
        VALUES (${gp.icsId}::uuid, ${id}::uuid, ${gp.professionalId}::uuid, ${child.id}::uuid, 'Seen in ED tonight', now() + interval '1 hour')`);
      expect(await supplied(breakGlass, gp, child.id)).toEqual({ rows: [{ kind: 'break-glass', detail: 'Seen in ED tonight' }], standing: null });
      await owner(sql`UPDATE break_glass SET expires_at = now() - interval '1 minute' WHERE id = ${id}::uuid`);
      expect(await supplied(breakGlass, gp, child.id)).toEqual({ rows: [], standing: null });
    });
  });

  describe('cluster lead (organisations/relationship.ts)', () => {
    it('the lead paediatrician of the cluster of the child’s practice relates to the child; another paediatrician does not', async () => {
      const lead = await one<{ child_id: string; cluster: string; lead_id: string }>(sql`SELECT c.id AS child_id, cl.name AS cluster, cl.lead_paediatrician_id AS lead_id
        FROM child c JOIN cluster_practice cp ON cp.ics_id = c.ics_id AND cp.practice_id = c.registered_practice_id
        JOIN cluster cl ON cl.ics_id = cp.ics_id AND cl.id = cp.cluster_id
        JOIN professional p ON p.id = cl.lead_paediatrician_id
        WHERE c.ics_id = ${j.ics.icsId}::uuid AND cp.ics_id = ${j.ics.icsId}::uuid AND cl.ics_id = ${j.ics.icsId}::uuid AND p.email IS NOT NULL ORDER BY c.id LIMIT 1`);
      const other = await one<{ id: string }>(sql`SELECT id FROM professional WHERE ics_id = ${j.ics.icsId}::uuid AND role = 'paediatrician'
        AND id <> ${lead.lead_id}::uuid AND email IS NOT NULL ORDER BY id LIMIT 1`);
      expect(await supplied(clusterLead, await actorOf(lead.lead_id), lead.child_id)).toEqual({ rows: [{ kind: 'cluster-lead', detail: lead.cluster }], standing: true });
      const notLead = await supplied(clusterLead, await actorOf(other.id), lead.child_id);
      expect(notLead.rows).toEqual([]);
      expect(notLead.standing).toBe(false);
    });
  });

  describe('referral, and a clinic booking through it (referrals/relationship.ts, clinics/relationship.ts)', () => {
    const REFERRAL = { kind: 'referral', detail: 'a referral or advice request about this child is with you, or the child is booked into your clinic' };
    const referral = referralRelationship([bookedIntoYourClinicSql]);

    it('an open referral relates its decision maker; a closed one does not', async () => {
      const r = await one<{ id: string; child_id: string; decision_maker_id: string; state: string }>(sql`SELECT rf.id, rf.child_id, rf.decision_maker_id, rf.state
        FROM referral rf JOIN professional p ON p.id = rf.decision_maker_id
        WHERE rf.ics_id = ${j.ics.icsId}::uuid AND rf.state NOT IN ('withdrawn', 'closed') AND p.email IS NOT NULL ORDER BY rf.id LIMIT 1`);
      const decider = await actorOf(r.decision_maker_id);
      try {
        expect(await supplied(referral, decider, r.child_id)).toEqual({ rows: [REFERRAL], standing: true });
        await owner(sql`UPDATE referral SET state = 'closed' WHERE child_id = ${r.child_id}::uuid AND decision_maker_id = ${r.decision_maker_id}::uuid AND id = ${r.id}::uuid`);
        const closed = await supplied(referral, decider, r.child_id);
        // Another open referral of the same child to the same person would still relate them: only this one was closed.
        const others = await one<{ n: number }>(sql`SELECT count(*)::int AS n FROM referral WHERE child_id = ${r.child_id}::uuid AND decision_maker_id = ${r.decision_maker_id}::uuid
          AND state NOT IN ('withdrawn', 'closed')`);
        if (others.n === 0) expect(closed).toEqual({ rows: [], standing: false });
      } finally {
        await owner(sql`UPDATE referral SET state = ${r.state} WHERE id = ${r.id}::uuid`);
      }
    });

    it('a booked clinic relates the session’s clinician to the child through the referral; a cancelled booking does not', async () => {
      // A free slot of a clinic the demo GP runs, and an open referral decided by someone else, with no live booking.
      const gp = await actorFor(j.db, 'gp@demo.joinery.test');
      const slot = await one<{ id: string }>(sql`SELECT s.id FROM clinic_slot s JOIN clinic_session cs ON cs.ics_id = s.ics_id AND cs.id = s.session_id
        WHERE s.ics_id = ${gp.icsId}::uuid AND cs.ics_id = ${gp.icsId}::uuid AND cs.gp_id = ${gp.professionalId}::uuid
          AND NOT EXISTS (SELECT 1 FROM clinic_booking b WHERE b.ics_id = ${gp.icsId}::uuid AND b.ics_id = s.ics_id AND b.slot_id = s.id AND b.state NOT IN ('moved', 'cancelled')) ORDER BY s.id LIMIT 1`);
      const r = await one<{ id: string; child_id: string }>(sql`SELECT rf.id, rf.child_id FROM referral rf WHERE rf.ics_id = ${gp.icsId}::uuid
        AND rf.state NOT IN ('withdrawn', 'closed') AND rf.decision_maker_id <> ${gp.professionalId}::uuid
        AND NOT EXISTS (SELECT 1 FROM referral o WHERE o.ics_id = ${gp.icsId}::uuid AND o.ics_id = rf.ics_id AND o.child_id = rf.child_id AND o.decision_maker_id = ${gp.professionalId}::uuid)
        AND NOT EXISTS (SELECT 1 FROM clinic_booking b WHERE b.ics_id = ${gp.icsId}::uuid AND b.ics_id = rf.ics_id AND b.referral_id = rf.id) ORDER BY rf.id LIMIT 1`);
      expect(slot).toBeDefined();
      expect(r).toBeDefined();
      expect(await supplied(referral, gp, r.child_id)).toEqual({ rows: [], standing: false });
      const booking = crypto.randomUUID();
      try {
        await owner(sql`INSERT INTO clinic_booking (ics_id, id, slot_id, referral_id, child_id, state, booked_by, booked_by_name)
          VALUES (${gp.icsId}::uuid, ${booking}::uuid, ${slot.id}::uuid, ${r.id}::uuid, ${r.child_id}::uuid, 'booked', ${gp.professionalId}::uuid, 'Test booking')`);
        expect(await supplied(referral, gp, r.child_id)).toEqual({ rows: [REFERRAL], standing: true });
        await owner(sql`UPDATE clinic_booking SET state = 'cancelled' WHERE id = ${booking}::uuid`);
        expect(await supplied(referral, gp, r.child_id)).toEqual({ rows: [], standing: false });
      } finally {
        await owner(sql`DELETE FROM clinic_booking WHERE id = ${booking}::uuid`);
      }
    });
  });

  describe('action owner (tasks/relationship.ts)', () => {
    it('an open action relates its owner; it is standing (opens lists) only for health; a done action relates no one', async () => {
      const t = await one<{ id: string; child_id: string; owner_professional_id: string; status: string }>(sql`SELECT t.id, t.child_id, t.owner_professional_id, t.status
        FROM task t JOIN professional p ON p.id = t.owner_professional_id
        WHERE t.ics_id = ${j.ics.icsId}::uuid AND t.status IN ('ready', 'in-progress') AND p.email IS NOT NULL ORDER BY t.id LIMIT 1`);
      const ownerOfAction = await actorOf(t.owner_professional_id);
      const ACTION = { kind: 'action-owner', detail: 'an open action for this child is yours' };
      let done: { id: string; status: string }[] = [];
      try {
        const found = await supplied(actionOwner, ownerOfAction, t.child_id);
        expect(found.rows).toEqual([ACTION]);
        expect(found.standing).toBe(agencyOfRole(ownerOfAction.role) === 'health' ? true : null);
        const asSenco = await supplied(actionOwner, { ...ownerOfAction, role: 'senco' }, t.child_id);
        expect(asSenco).toEqual({ rows: [ACTION], standing: null });
        done = await rows<{ id: string; status: string }>(j.db.owner, sql`UPDATE task t SET status = 'done' FROM (SELECT ics_id, id, status FROM task
          WHERE ics_id = ${j.ics.icsId}::uuid AND child_id = ${t.child_id}::uuid AND owner_professional_id = ${t.owner_professional_id}::uuid AND status IN ('ready', 'in-progress')) was
          WHERE t.ics_id = ${j.ics.icsId}::uuid AND t.ics_id = was.ics_id AND t.id = was.id RETURNING was.id, was.status`);
        expect((await supplied(actionOwner, ownerOfAction, t.child_id)).rows).toEqual([]);
      } finally {
        for (const d of done) await owner(sql`UPDATE task SET status = ${d.status} WHERE id = ${d.id}::uuid`);
      }
    });
  });
});
