import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { databaseKinds } from '../../test/database.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { TestClient, pageText } from '../../test/http.js';
import { openFeedbackLinkOnLetter } from '../../test/feedback-link.js';
import { actorFor } from '../../test/actors.js';
import { bookReferral } from './booking.js';
import { demoHub, holdSession, inIcs, one, sessionIn, waitingReferrals, type Hub } from './test-fixtures.js';

const kinds = await databaseKinds();

/** After the clinic: the lead records the outcome; the letter is filed, sent to the GP and care team, and read only by those who may. */
describe.each(kinds)('clinic outcomes and letters (%s)', (kind) => {
  let j: TestJoinery;
  let hub: Hub;
  let admin: Actor;
  let booking: string;
  let referral: { id: string; childId: string };
  let member: { id: string; name: string };
  const signIn = (role: string) => TestClient.signIn(j.app, `${role}@demo.joinery.test`);

  /** A child booked into a clinic that has now been held. */
  const heldBooking = async (time: string) => {
    const s = await sessionIn(j, admin, hub, { time });
    const [r] = await waitingReferrals(j, 1);
    const id = await inIcs(j, (tx) => bookReferral(tx, admin, r.id, { slotId: s.slots[0] }));
    await holdSession(j, s.id);
    return { id, r };
  };

  beforeAll(async () => {
    j = await startJoinery(kind);
    hub = await demoHub(j);
    admin = await actorFor(j.db, 'hub-admin@demo.joinery.test');
    ({ id: booking, r: referral } = await heldBooking('10:00'));
    member = await one(j, sql`SELECT id, name FROM professional WHERE email = 'care-coordinator@demo.joinery.test'`);
    await j.db.owner.execute(sql`INSERT INTO care_team_member (ics_id, id, child_id, professional_id, role_in_team)
      VALUES (${j.ics.icsId}::uuid, gen_random_uuid(), ${referral.childId}::uuid, ${member.id}::uuid, 'Key worker')`);
    // The ICS's own wording: the letter must be drawn from it.
    await j.db.owner.execute(sql`INSERT INTO letter_template (ics_id, kind, version, title, body, changed_by, changed_by_name)
      SELECT ${j.ics.icsId}::uuid, 'clinic-outcome', 1, 'Hub clinic letter about {{child}}', body || '

Our own ICS closing line.', ${admin.professionalId}::uuid, 'Test' FROM (SELECT ${'About: {{child}}, born {{born}}, NHS number {{nhsNumber}}\n\nCopied to: {{copiedTo}}\n\nSeen at {{venue}} on {{clinicDate}} by {{seenBy}}. Asked: {{question}}\n\n## The plan\n{{plan}}\n\n## What happens next\n{{next}}\n\n{{clinician}}, {{hub}}'}::text AS body) t`);
  }, 300_000);
  afterAll(() => j?.close());

  it('refuses the outcome to anyone but the clinic’s clinicians, auditing the refusal', async () => {
    for (const role of ['hub-admin', 'senco', 'ics-analyst']) expect((await (await signIn(role)).get(`/clinics/bookings/${booking}/outcome`)).statusCode).toBe(403);
    const refused = await one<{ n: number }>(j, sql`SELECT count(*)::int AS n FROM audit_event WHERE child_id = ${referral.childId}::uuid AND action = 'child.access-refused'`);
    expect(refused.n).toBeGreaterThanOrEqual(3);
  });

  it('asks for what is missing, each with its field error', async () => {
    const lead = await signIn('paediatrician');
    const form = await lead.get(`/clinics/bookings/${booking}/outcome`);
    expect(pageText(form.body)).toContain('The GP asked: Is this functional abdominal pain?');
    const version = /name="version" value="(\d+)"/.exec(form.body)![1];
    const bad = await lead.post(`/clinics/bookings/${booking}/outcome`, { version, plan: ' ', next: 'referred-on' });
    expect(bad.statusCode).toBe(400);
    const text = pageText(bad.body);
    expect(text).toContain('Enter the plan');
    const noService = await lead.post(`/clinics/bookings/${booking}/outcome`, { version, plan: 'Bloods', next: 'referred-on' });
    expect(pageText(noService.body)).toContain('Name the service the child is referred to');
    expect(pageText(noService.body)).toContain('Say whether the paediatrician and the GP saw the child together');
    expect((await one<{ state: string }>(j, sql`SELECT state FROM clinic_booking WHERE id = ${booking}::uuid`)).state).toBe('booked');
  });

  it('records the outcome, moves the referral on, and files the letter from the ICS template as sent', async () => {
    const lead = await signIn('paediatrician');
    const form = await lead.get(`/clinics/bookings/${booking}/outcome`);
    const version = /name="version" value="(\d+)"/.exec(form.body)![1];
    const saved = await lead.post(`/clinics/bookings/${booking}/outcome`, {
      version, seenJointly: 'yes', plan: 'Coeliac screen was negative.\nStart a food and symptom diary.', next: 'referred-on', service: 'Paediatric gastroenterology, City Hospital',
    });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe(`/clinics/bookings/${booking}/letter?sent=1`);
    const b = await one<Record<string, unknown>>(j, sql`SELECT state, seen_jointly, plan, next, next_service FROM clinic_booking WHERE id = ${booking}::uuid`);
    expect(b).toMatchObject({ state: 'seen', seen_jointly: true, next: 'referred-on', next_service: 'Paediatric gastroenterology, City Hospital' });
    const r = await one<{ state: string; seen: boolean }>(j, sql`SELECT state, first_seen_at IS NOT NULL AS seen FROM referral WHERE id = ${referral.id}::uuid`);
    expect(r).toEqual({ state: 'referred-on', seen: true });

    const filed = await one<{ title: string; source: string; child_id: string }>(j, sql`SELECT title, source, child_id FROM record_letter WHERE source_id = ${booking}::uuid`);
    expect(filed.source).toBe('clinic-outcome');
    // Hazard H008: filed in the record of the referral's child, no other.
    expect(filed.child_id).toBe(referral.childId);
    expect(filed.title).toMatch(/^Hub clinic letter about /);
    const page = pageText((await lead.get(`/clinics/bookings/${booking}/letter?sent=1`)).body);
    expect(page).toContain('Start a food and symptom diary.');
    expect(page).toContain('(paediatrician) and');
    expect(page).toContain('referred');
    expect(page).toContain('Paediatric gastroenterology, City Hospital');
    expect(/Copied to: [^.]*/.exec(page)![0]).toContain(member.name);
    expect(page).toContain('Our own ICS closing line.');
    // The family's one-time feedback link is printed on the letter, whole, for the clinician to hand over; it opens the feedback page.
    expect((await openFeedbackLinkOnLetter(j.app, page)).form).toContain('Child health hub clinic');

    const again = await lead.post(`/clinics/bookings/${booking}/outcome`, { version: String(Number(version) + 2), seenJointly: 'no', plan: 'x', next: 'discharged' });
    expect(again.statusCode).toBe(409);
  });

  it('puts the letter on the GP’s and the care team’s worklists; they read it and its PDF, others are refused', async () => {
    const items = await rows<{ professional_id: string; title: string }>(j.db.owner, sql`SELECT professional_id, title FROM worklist_item WHERE kind = 'clinic-letter' AND child_id = ${referral.childId}::uuid`);
    const team = await rows<{ professional_id: string }>(j.db.owner, sql`SELECT DISTINCT professional_id FROM care_team_member WHERE child_id = ${referral.childId}::uuid AND ended_at IS NULL`);
    expect(team.map((m) => m.professional_id)).toContain(member.id);
    expect(items.map((i) => i.professional_id).sort()).toEqual([...new Set([hub.gpId, ...team.map((m) => m.professional_id)])].filter((id) => id !== hub.leadId).sort());
    expect(items[0].title).toMatch(/^Clinic letter for /);
    for (const role of ['gp', 'care-coordinator']) {
      const c = await signIn(role);
      expect(pageText((await c.get('/worklist')).body)).toContain('Clinic letter for');
      expect(pageText((await c.get(`/clinics/bookings/${booking}/letter`)).body)).toContain('Start a food and symptom diary.');
    }
    const pdf = await (await signIn('gp')).get(`/clinics/bookings/${booking}/letter.pdf`);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    for (const role of ['senco', 'ics-analyst', 'hub-admin']) expect((await (await signIn(role)).get(`/clinics/bookings/${booking}/letter`)).statusCode).toBe(403);
    const reads = await one<{ n: number }>(j, sql`SELECT count(*)::int AS n FROM audit_event WHERE child_id = ${referral.childId}::uuid AND action = 'clinic.read-letter'`);
    expect(reads.n).toBeGreaterThanOrEqual(4);
  });

  it('sends a follow-up back to the booking list and a discharge to the GP', async () => {
    const lead = await signIn('paediatrician');
    for (const [next, expected] of [['follow-up', 'awaiting-booking'], ['discharged', 'closed']] as const) {
      const { id, r } = await heldBooking(next === 'follow-up' ? '11:00' : '12:00');
      const form = await lead.get(`/clinics/bookings/${id}/outcome`);
      const version = /name="version" value="(\d+)"/.exec(form.body)![1];
      expect((await lead.post(`/clinics/bookings/${id}/outcome`, { version, seenJointly: 'no', plan: 'Reassured; review growth', next })).statusCode).toBe(303);
      expect((await one<{ state: string }>(j, sql`SELECT state FROM referral WHERE id = ${r.id}::uuid`)).state).toBe(expected);
      expect(pageText((await lead.get(`/clinics/bookings/${id}/letter`)).body)).toContain(next === 'follow-up' ? 'We will see' : 'discharged from the hub clinic');
    }
  });
});
