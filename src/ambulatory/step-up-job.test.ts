import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../platform/db/client.js';
import { RefusedAccess } from '../platform/access/refused-access.js';
import { scheduledJobActor } from '../platform/access/actor.js';
import { VIRTUAL_WARD_CLOCK_JOB } from '../platform/access/policy.js';
import { legitimateRelationships } from '../platform/access/relationship.js';
import { databaseKinds } from '../../test/database.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { wardCaseload } from './caseload.js';
import { dischargeFromWard } from './discharge.js';
import { raiseMissedObservation } from './escalations.js';
import { recordObservations } from './observations.js';
import { wardClockJob } from './step-up-job.js';
import type { ScheduledJob } from '../platform/jobs/job.js';
import { demoWard, inIcs, onWard, plainChild, type Ward } from './test-fixtures.js';

const kinds = await databaseKinds();

/** Observations of a child aged 1–4 that score 6 on the national chart: a medium escalation (30-minute video review in the demo ICS). */
const SCORES_SIX = { respiratoryRate: 55, heartRate: 155, spo2: 93, respiratoryDistress: 'mild', temperature: 37.2, avpu: 'A' };
const later = (at: Date, minutes: number) => new Date(at.getTime() + minutes * 60_000);

describe.each(kinds)('the virtual ward’s escalation clock, a scheduled job (%s)', (kind) => {
  let j: TestJoinery;
  let w: Ward;
  let job: ScheduledJob;

  beforeAll(async () => {
    j = await startJoinery(kind, 300);
    w = await demoWard(j);
    job = wardClockJob(j.db, { icsIds: async () => [j.ics.icsId] });
  }, 300_000);
  afterAll(() => j?.close());

  const escalation = async (id: string) => (await rows<{ owner_id: string; rota_position: number; response_due_at: Date; stepped_up_at: Date | null }>(j.db.owner,
    sql`SELECT owner_id, rota_position, response_due_at, stepped_up_at FROM ward_escalation WHERE id = ${id}::uuid`))[0];
  const stepUpAudits = async (child: string) => rows<{ what: string; role: string; actor_name: string; why: string; professional_id: string }>(j.db.owner,
    sql`SELECT what, role, actor_name, why, professional_id FROM audit_event WHERE child_id = ${child}::uuid AND action = 'ward.step-up' ORDER BY id`);
  const missedAlerts = async (episodeId: string) => rows<{ level: string; reasons: string[]; missed_observations_due_at: Date; owner_id: string }>(j.db.owner,
    sql`SELECT level, reasons, missed_observations_due_at, owner_id FROM ward_escalation WHERE episode_id = ${episodeId}::uuid AND missed_observations_due_at IS NOT NULL ORDER BY missed_observations_due_at`);

  /** A toddler on the ward since `at`, with observations at `at` scoring 6: an escalation due 30 minutes later. */
  async function escalatedAt(at: Date) {
    const child = await plainChild(j, w.gp, { toddler: true });
    const episodeId = await onWard(j, w, child, 'bronchiolitis', at);
    const { escalationId } = await inIcs(j, (tx) => recordObservations(tx, w.nurse, episodeId, { ...SCORES_SIX, observedAt: at.toISOString() }, at));
    return { child, episodeId, escalationId: escalationId! };
  }

  it('has the shape the platform’s job runner takes', () => {
    expect(job.name).toBe('virtual-ward-clock');
    expect(job.everyMinutes).toBe(2);
    expect(Object.keys(job).sort()).toEqual(['everyMinutes', 'name', 'run']);
  });

  it('steps an escalation not acknowledged in time up to the next on the rota, by the fake clock, audited as the scheduled job through the door', async () => {
    const at = new Date('2026-12-02T09:00:00Z');
    const { child, escalationId } = await escalatedAt(at);
    await job.run(later(at, 29));
    expect(await escalation(escalationId)).toMatchObject({ owner_id: w.rota[0].professional_id, rota_position: 0, stepped_up_at: null });
    const said = await job.run(later(at, 31));
    expect(said).toMatch(/^\d+ escalations? stepped up, \d+ missed-observation alerts? raised$/);
    const moved = await escalation(escalationId);
    expect(moved).toMatchObject({ owner_id: w.rota[1].professional_id, rota_position: 1 });
    // A fresh timer for the level (30 minutes for medium) from the step-up.
    expect(new Date(moved.response_due_at).getTime()).toBe(later(at, 61).getTime());
    const [item] = await rows<{ title: string }>(j.db.owner, sql`SELECT title FROM worklist_item WHERE professional_id = ${w.rota[1].professional_id}::uuid AND child_id = ${child}::uuid AND kind = 'ward-escalation'`);
    expect(item.title).toContain('Stepped up to you, not acknowledged in time: virtual ward escalation (medium)');
    const [audit] = await stepUpAudits(child);
    expect(audit).toEqual({
      what: `Virtual ward escalation (medium) not acknowledged in time: stepped up to ${w.rota[1].name}`,
      role: 'scheduled-job', actor_name: 'Scheduled job: virtual ward escalation clock', why: 'Virtual ward caseload: Demo ICS children’s virtual ward: escalation clock',
      professional_id: scheduledJobActor(j.ics.icsId, VIRTUAL_WARD_CLOCK_JOB).professionalId,
    });
  });

  it('steps up exactly once when two runs race, and a second run at the same time changes nothing', async () => {
    const at = new Date('2026-12-03T09:00:00Z');
    const { child, escalationId } = await escalatedAt(at);
    await Promise.all([job.run(later(at, 45)), job.run(later(at, 45))]);
    await job.run(later(at, 45));
    expect(await escalation(escalationId)).toMatchObject({ owner_id: w.rota[1].professional_id, rota_position: 1 });
    expect(await stepUpAudits(child)).toHaveLength(1);
    const items = await rows(j.db.owner, sql`SELECT 1 FROM worklist_item WHERE professional_id = ${w.rota[1].professional_id}::uuid AND child_id = ${child}::uuid AND kind = 'ward-escalation'`);
    expect(items).toHaveLength(1);
    // Half an hour after the step-up, still not acknowledged: up again, to the third on the rota.
    await job.run(later(at, 76));
    expect(await escalation(escalationId)).toMatchObject({ owner_id: w.rota[2].professional_id, rota_position: 2 });
  });

  it('leaves an acknowledged escalation with whoever acknowledged it', async () => {
    const at = new Date('2026-12-04T09:00:00Z');
    const { escalationId } = await escalatedAt(at);
    await j.db.owner.execute(sql`UPDATE ward_escalation SET acknowledged_by = ${w.nurse.professionalId}::uuid, acknowledged_by_name = ${w.nurse.name}, acknowledged_at = ${later(at, 5).toISOString()}::timestamptz WHERE id = ${escalationId}::uuid`);
    await job.run(later(at, 90));
    expect(await escalation(escalationId)).toMatchObject({ rota_position: 0, stepped_up_at: null });
  });

  it('raises one missed-observation alert when observations are overdue by the pathway’s frequency, even when two runs race', async () => {
    const at = new Date('2026-12-05T08:00:00Z');
    const child = await plainChild(j, w.gp);
    const episodeId = await onWard(j, w, child, 'bronchiolitis', at);
    // Bronchiolitis observations are 4-hourly: due at 12:00 UTC.
    await job.run(later(at, 4 * 60 - 1));
    expect(await missedAlerts(episodeId)).toEqual([]);
    await Promise.all([job.run(later(at, 4 * 60 + 1)), job.run(later(at, 4 * 60 + 1))]);
    await job.run(later(at, 4 * 60 + 20));
    const alerts = await missedAlerts(episodeId);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ level: 'low', reasons: ['Observations due at 12:00 on 2026-12-05 were not recorded'], owner_id: w.rota[0].professional_id });
    expect(new Date(alerts[0].missed_observations_due_at).getTime()).toBe(later(at, 4 * 60).getTime());
    const [state] = await rows<{ state: string }>(j.db.owner, sql`SELECT state FROM ward_episode WHERE id = ${episodeId}::uuid`);
    expect(state.state).toBe('escalated');
    const [audit] = await rows<{ what: string; role: string }>(j.db.owner, sql`SELECT what, role FROM audit_event WHERE child_id = ${child}::uuid AND action = 'ward.missed-observations'`);
    expect(audit).toEqual({ what: 'Missed observations alert: due at 12:00 on 2026-12-05', role: 'scheduled-job' });
    // Observations recorded at 12:30 restart the clock: the next alert is for 16:30, not another for 12:00.
    await inIcs(j, (tx) => recordObservations(tx, w.nurse, episodeId, { heartRate: 120, observedAt: later(at, 4 * 60 + 30).toISOString() }, later(at, 4 * 60 + 31)));
    await job.run(later(at, 8 * 60 + 29));
    expect(await missedAlerts(episodeId)).toHaveLength(1);
    await job.run(later(at, 8 * 60 + 31));
    expect((await missedAlerts(episodeId)).map((a) => a.reasons[0])).toEqual([
      'Observations due at 12:00 on 2026-12-05 were not recorded', 'Observations due at 16:30 on 2026-12-05 were not recorded',
    ]);
  });

  it('opening the caseload only reads: nothing is stepped up or alerted however late it is', async () => {
    const at = new Date('2026-12-06T09:00:00Z');
    const { episodeId, escalationId } = await escalatedAt(at);
    const page = await inIcs(j, (tx) => wardCaseload(tx, w.nurse, later(at, 24 * 60)));
    expect(page.children.find((c) => c.episode_id === episodeId)?.escalations[0].countdown.overdue).toBe(true);
    expect(await escalation(escalationId)).toMatchObject({ rota_position: 0, stepped_up_at: null });
    expect(await missedAlerts(episodeId)).toEqual([]);
  });

  it('relates the clock to children on the ward only while their stay is live, and refuses it, audited, once they are discharged', async () => {
    const at = new Date();
    const child = await plainChild(j, w.gp);
    const episodeId = await onWard(j, w, child, 'bronchiolitis', at);
    const clock = scheduledJobActor(j.ics.icsId, VIRTUAL_WARD_CLOCK_JOB);
    expect((await inIcs(j, (tx) => legitimateRelationships(tx, clock, child))).map((r) => r.kind)).toEqual(['virtual-ward']);
    // Another scheduled job has no relationship with the child at all.
    expect(await inIcs(j, (tx) => legitimateRelationships(tx, scheduledJobActor(j.ics.icsId, 'some other job'), child))).toEqual([]);
    await inIcs(j, (tx) => dischargeFromWard(tx, w.nurse, episodeId, { outcome: 'recovered-at-home', summary: 'Well.', version: 3 }));
    expect(await inIcs(j, (tx) => legitimateRelationships(tx, clock, child))).toEqual([]);
    const refused = await inIcs(j, (tx) => raiseMissedObservation(tx, clock, { episode_id: episodeId, due_at: at }, at)).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RefusedAccess);
    expect((refused as Error).message).toBe('This child is not on the virtual ward.');
    const [audit] = await rows<{ n: number }>(j.db.owner, sql`SELECT count(*)::int AS n FROM audit_event WHERE child_id = ${child}::uuid AND action = 'child.access-refused' AND role = 'scheduled-job'`);
    expect(audit.n).toBe(1);
  });
});
