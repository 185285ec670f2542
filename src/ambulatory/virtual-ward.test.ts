import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../platform/db/client.js';
import { ConflictError, ValidationError } from '../platform/http/errors.js';
import { databaseKinds } from '../../test/database.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { decideEpisode, startOnWard } from './acceptance.js';
import { wardCaseload } from './caseload.js';
import { dischargeFromWard } from './discharge.js';
import { acknowledgeEscalation } from './escalations.js';
import { recordObservations, saveObservations } from './observations.js';
import { referToWard } from './refer.js';
import * as store from './store.js';
import { openEpisode } from './episode-access.js';
import { wardPolicy } from './policy.js';
import { legitimateRelationships } from '../platform/access/relationship.js';
import { ACCEPT_ALL, actorOnRota, demoWard, episodeState, inIcs, onWard, plainChild, type Ward } from './test-fixtures.js';

const kinds = await databaseKinds();

/** Observations of a child aged 1–4 that score 6 on the national chart: RR 55 (2), HR 155 (2), SpO₂ 93 (1), mild distress (1). */
const SCORES_SIX = { respiratoryRate: 55, heartRate: 155, spo2: 93, respiratoryDistress: 'mild', temperature: 37.2, avpu: 'A' };
const MINUTE = 60_000;
const later = (at: Date, minutes: number) => new Date(at.getTime() + minutes * MINUTE);

const rejection = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (error) {
    return error;
  }
  throw new Error('expected a refusal');
};

describe.each(kinds)('the children’s virtual ward (%s)', (kind) => {
  let j: TestJoinery;
  let w: Ward;

  beforeAll(async () => {
    j = await startJoinery(kind, 300);
    w = await demoWard(j);
  }, 300_000);
  afterAll(() => j?.close());

  describe('episode moves', () => {
    it('refuses a move the state machine does not allow, and a stale version, saving nothing', async () => {
      const child = await plainChild(j, w.gp);
      const id = await inIcs(j, (tx) => referToWard(tx, w.gp, child, { pathwayId: 'asthma', source: 'gp', reason: 'After an attack, stable on 4-hourly salbutamol.' }));
      // Referred children are accepted (or declined) before they come onto the ward.
      const early = await rejection(inIcs(j, (tx) => startOnWard(tx, w.nurse, id, 1)));
      expect(early).toBeInstanceOf(ConflictError);
      expect((early as Error).message).toBe('A child who is referred cannot be moved to on the ward.');
      await inIcs(j, (tx) => decideEpisode(tx, w.nurse, id, { decision: 'decline', declineReason: 'Needs salbutamol every 2 hours.', version: 1 }));
      const afterDecline = await rejection(inIcs(j, (tx) => decideEpisode(tx, w.consultant, id, { ...ACCEPT_ALL, version: 2 })));
      expect((afterDecline as Error).message).toBe('This stay on the virtual ward is declined: refer the child again instead.');
      expect(await episodeState(j, id)).toEqual({ state: 'declined', version: 2 });
    });

    it('takes a referral, acceptance and start in order, and refuses a second live stay for the same child', async () => {
      const child = await plainChild(j, w.gp);
      const id = await onWard(j, w, child);
      expect(await episodeState(j, id)).toEqual({ state: 'on-ward', version: 3 });
      const again = await rejection(inIcs(j, (tx) => referToWard(tx, w.gp, child, { pathwayId: 'bronchiolitis', source: 'gp', reason: 'Again.' })));
      expect(again).toBeInstanceOf(ConflictError);
      expect((again as Error).message).toContain('is already on the virtual ward (Bronchiolitis, on the ward)');
    });

    it('refuses a stale acceptance form with 409', async () => {
      const child = await plainChild(j, w.gp);
      const id = await inIcs(j, (tx) => referToWard(tx, w.gp, child, { pathwayId: 'gastroenteritis', source: 'ed', reason: 'Mild dehydration, drinking.' }));
      await inIcs(j, (tx) => decideEpisode(tx, w.nurse, id, { ...ACCEPT_ALL, version: 1 }));
      const stale = await rejection(inIcs(j, (tx) => decideEpisode(tx, w.consultant, id, { decision: 'decline', declineReason: 'No.', version: 1 })));
      expect(stale).toBeInstanceOf(ConflictError);
    });
  });

  describe('acceptance checks', () => {
    it('will not accept a child with a CP-IS flag until a named safeguarding discussion is recorded', async () => {
      const child = await plainChild(j, w.gp);
      await j.db.owner.execute(sql`INSERT INTO child_flag (ics_id, id, child_id, kind, started_on)
        VALUES (${j.ics.icsId}::uuid, gen_random_uuid(), ${child}::uuid, 'child-protection-plan', current_date - 30)`);
      const id = await inIcs(j, (tx) => referToWard(tx, w.gp, child, { pathwayId: 'bronchiolitis', source: 'gp', reason: 'Bronchiolitis day 3.' }));
      const refused = await rejection(inIcs(j, (tx) => decideEpisode(tx, w.nurse, id, { ...ACCEPT_ALL, version: 1 })));
      expect(refused).toBeInstanceOf(ValidationError);
      expect((refused as ValidationError).fields).toEqual({
        safeguardingDiscussedWith: 'Name who you discussed the safeguarding concern with before accepting',
        safeguardingDiscussion: 'Record what was agreed in the safeguarding discussion',
      });
      expect(await episodeState(j, id)).toEqual({ state: 'referred', version: 1 });
      await inIcs(j, (tx) => decideEpisode(tx, w.nurse, id, {
        ...ACCEPT_ALL, safeguardingDiscussedWith: 'Alex Rivers, allocated social worker', safeguardingDiscussion: 'Agreed care at home with daily visits.', version: 1,
      }));
      const [row] = await rows<{ state: string; safeguarding_discussed_with: string; checks: { safeguardingConcerns: string[] } }>(j.db.owner,
        sql`SELECT state, safeguarding_discussed_with, checks FROM ward_episode WHERE id = ${id}::uuid`);
      expect(row.state).toBe('accepted');
      expect(row.safeguarding_discussed_with).toBe('Alex Rivers, allocated social worker');
      expect(row.checks.safeguardingConcerns).toEqual(['CP-IS: child protection plan']);
    });

    it('needs every home check and the family’s consent to accept; a child with no concern needs no safeguarding discussion', async () => {
      const child = await plainChild(j, w.gp);
      const id = await inIcs(j, (tx) => referToWard(tx, w.gp, child, { pathwayId: 'neonatal-jaundice', source: 'ward-step-down', reason: 'Bilirubin falling.' }));
      const refused = await rejection(inIcs(j, (tx) => decideEpisode(tx, w.nurse, id, { ...ACCEPT_ALL, transport: undefined, consent: undefined, version: 1 })));
      expect(Object.keys((refused as ValidationError).fields).sort()).toEqual(['consent', 'transport']);
      expect(await inIcs(j, (tx) => decideEpisode(tx, w.nurse, id, { ...ACCEPT_ALL, version: 1 }))).toBe('accepted');
    });
  });

  describe('observations and escalation', () => {
    it('scores observations of 6 as a medium escalation, owned by the first on the rota with the ICS’s timer, and keeps skipped observations missing', async () => {
      const child = await plainChild(j, w.gp, { toddler: true });
      const at = new Date();
      const id = await onWard(j, w, child, 'bronchiolitis', at);
      const { result, escalationId } = await inIcs(j, (tx) => recordObservations(tx, w.nurse, id, SCORES_SIX, later(at, 10)));
      expect(result).toMatchObject({ ageBand: '1-4y', score: 6, escalation: 'medium', parameters: { respiratoryRate: 2, heartRate: 2, spo2: 1, respiratoryDistress: 1 } });
      // Blood pressure and capillary refill were not taken: listed as missing, not scored as normal (H030).
      expect(result.parameters).not.toHaveProperty('systolicBP');
      expect(result.missing).toEqual(expect.arrayContaining(['systolicBP', 'capillaryRefill']));
      const [x] = await rows<{ level: string; response: string; owner_id: string; response_due_at: Date }>(j.db.owner,
        sql`SELECT level, response, owner_id, response_due_at FROM ward_escalation WHERE id = ${escalationId}::uuid`);
      expect(x).toMatchObject({ level: 'medium', response: 'Video review by a nurse or doctor', owner_id: w.rota[0].professional_id });
      expect(new Date(x.response_due_at).getTime()).toBe(later(at, 40).getTime());
      const [obs] = await rows<{ chart_name: string; score: number; recorder_kind: string }>(j.db.owner, sql`SELECT chart_name, score, recorder_kind FROM ward_observation WHERE episode_id = ${id}::uuid`);
      expect(obs).toMatchObject({ chart_name: 'National Paediatric Early Warning System (PEWS) Observation and Escalation Chart', score: 6, recorder_kind: 'professional' });
      expect((await episodeState(j, id)).state).toBe('escalated');
      const [item] = await rows<{ title: string }>(j.db.owner, sql`SELECT title FROM worklist_item WHERE professional_id = ${w.rota[0].professional_id}::uuid AND kind = 'ward-escalation' AND child_id = ${child}::uuid`);
      expect(item.title).toMatch(/^Virtual ward escalation \(medium\): Video review by a nurse or doctor, by \d\d:\d\d$/);
    });

    it('escalates a carer’s “worse” at the level the clinician chose at acceptance, with nothing else observed', async () => {
      const child = await plainChild(j, w.gp);
      const id = await onWard(j, w, child);
      const recorded = await inIcs(j, async (tx) => {
        const { access, episode } = await openEpisode(tx, w.nurse, id, wardPolicy.recordObservations, 'test');
        return saveObservations(tx, access, episode, { kind: 'carer', name: 'Sam Parent' }, { carer: 'worse' });
      });
      // ACCEPT_ALL chose "high"; the chart's default for "worse" would be lower.
      expect(recorded.result.score).toBe(0);
      expect(recorded.result.escalation).toBe('high');
      expect(recorded.result.reasons[0]).toBe('Carer says the child is worse: high, the level the clinician chose');
      const [obs] = await rows<{ recorder_kind: string; recorded_by: string | null; recorded_by_name: string }>(j.db.owner,
        sql`SELECT recorder_kind, recorded_by, recorded_by_name FROM ward_observation WHERE id = ${recorded.observationId}::uuid`);
      expect(obs).toEqual({ recorder_kind: 'carer', recorded_by: null, recorded_by_name: 'Sam Parent' });
      const [x] = await rows<{ level: string; response: string }>(j.db.owner, sql`SELECT level, response FROM ward_escalation WHERE id = ${recorded.escalationId}::uuid`);
      expect(x).toEqual({ level: 'high', response: 'Visit at home, or conveyance to hospital' });
    });

    it('shows observations overdue by the pathway’s frequency as missed, by the clock given', async () => {
      const child = await plainChild(j, w.gp);
      const at = new Date('2026-12-01T08:00:00Z');
      const id = await onWard(j, w, child, 'bronchiolitis', at);
      const row = async (now: Date) => (await inIcs(j, (tx) => wardCaseload(tx, w.nurse, now))).children.find((c) => c.episode_id === id)!;
      expect((await row(later(at, 4 * 60 - 1))).observations).toMatchObject({ missed: false, countdown: { words: '1 minute left' } });
      expect((await row(later(at, 4 * 60 + 5))).observations).toMatchObject({ missed: true, countdown: { words: 'overdue by 5 minutes' } });
      // Observations recorded at 12:30 restart the clock: next due 16:30.
      await inIcs(j, (tx) => recordObservations(tx, w.nurse, id, { heartRate: 120, observedAt: '2026-12-01T12:30:00Z' }, later(at, 4 * 60 + 31)));
      expect((await row(later(at, 4 * 60 + 40))).observations?.missed).toBe(false);
    });

    it('lets exactly one of two nurses acknowledging at once land; the other is told who was first', async () => {
      const child = await plainChild(j, w.gp);
      const id = await onWard(j, w, child);
      const { escalationId } = await inIcs(j, (tx) => recordObservations(tx, w.nurse, id, SCORES_SIX));
      const colleague = await actorOnRota(j, w, 1);
      const both = await Promise.allSettled([
        inIcs(j, (tx) => acknowledgeEscalation(tx, w.nurse, escalationId!)),
        inIcs(j, (tx) => acknowledgeEscalation(tx, colleague, escalationId!)),
      ]);
      const landed = both.filter((r) => r.status === 'fulfilled');
      const refused = both.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
      expect(landed).toHaveLength(1);
      expect(refused).toHaveLength(1);
      expect(refused[0]).toBeInstanceOf(ConflictError);
      const [x] = await rows<{ acknowledged_by_name: string }>(j.db.owner, sql`SELECT acknowledged_by_name FROM ward_escalation WHERE id = ${escalationId}::uuid`);
      expect(refused[0].message).toMatch(new RegExp(`^This escalation was already acknowledged by ${x.acknowledged_by_name} at \\d\\d:\\d\\d on \\d{4}-\\d\\d-\\d\\d\\. Nothing of yours was saved\\.$`));
      // Acknowledged, with nothing else open: the child is back on the ward.
      expect((await episodeState(j, id)).state).toBe('on-ward');
    });
  });

  it('refuses a professional who does not work on the ward, and audits the refusal', async () => {
    const child = await plainChild(j, w.gp);
    const id = await onWard(j, w, child);
    const refused = await rejection(inIcs(j, (tx) => recordObservations(tx, w.outsider, id, SCORES_SIX)));
    expect((refused as Error).message).toBe('Only community children’s nurses and paediatricians run the virtual ward.');
    const [audit] = await rows<{ n: number }>(j.db.owner, sql`SELECT count(*)::int AS n FROM audit_event WHERE child_id = ${child}::uuid AND action = 'child.access-refused'`);
    expect(audit.n).toBe(1);
    expect(await inIcs(j, (tx) => store.pathways(tx, w.gp.icsId))).toHaveLength(6);
  });

  it('relates the ward’s team to the child while the stay is live and for 7 days after discharge, and no one else', async () => {
    const child = await plainChild(j, w.gp);
    const id = await onWard(j, w, child);
    const kinds = async (who: typeof w.nurse) => (await inIcs(j, (tx) => legitimateRelationships(tx, who, child))).map((r) => r.kind);
    expect(await kinds(w.nurse)).toContain('virtual-ward');
    expect(await kinds(w.consultant)).toContain('virtual-ward');
    expect(await kinds(w.outsider)).not.toContain('virtual-ward');
    await inIcs(j, (tx) => dischargeFromWard(tx, w.nurse, id, { outcome: 'admitted', summary: 'Admitted to the children’s ward.', version: 3 }));
    expect(await kinds(w.nurse)).toContain('virtual-ward');
    await j.db.owner.execute(sql`UPDATE ward_episode SET discharged_at = now() - interval '8 days' WHERE id = ${id}::uuid`);
    expect(await kinds(w.nurse)).not.toContain('virtual-ward');
  });

  it('discharges with the outcome and files the summary letter to the GP in the record the same day', async () => {
    const child = await plainChild(j, w.gp);
    const id = await onWard(j, w, child);
    await inIcs(j, (tx) => dischargeFromWard(tx, w.nurse, id, { outcome: 'recovered-at-home', summary: 'Feeding well, saturations 96% in air.\nSafety-netting advice given.', version: 3 }));
    const [e] = await rows<{ state: string; outcome: string }>(j.db.owner, sql`SELECT state, outcome FROM ward_episode WHERE id = ${id}::uuid`);
    expect(e).toEqual({ state: 'discharged', outcome: 'recovered-at-home' });
    const [letter] = await rows<{ title: string; body: { lines: { text: string }[] } }>(j.db.owner,
      sql`SELECT title, body FROM record_letter WHERE child_id = ${child}::uuid AND source = 'virtual-ward-discharge' AND source_id = ${id}::uuid`);
    expect(letter.title).toMatch(/^Virtual ward discharge summary: /);
    expect(letter.body.lines.map((l) => l.text)).toEqual(expect.arrayContaining(['Recovered at home', 'Feeding well, saturations 96% in air.', 'Safety-netting advice given.']));
    const [item] = await rows<{ link: string }>(j.db.owner, sql`SELECT link FROM worklist_item WHERE professional_id = ${w.gp.professionalId}::uuid AND kind = 'ward-discharge' AND child_id = ${child}::uuid`);
    expect(item.link).toBe(`/virtual-ward/episodes/${id}/letter`);
  });
});
