/**
 * The virtual ward caseload page's work (the escalation clock, the caseload
 * query, the audit of each child listed) with 200 children on the ward and
 * 30 days of 4-hourly observations each (36,000 sets): p95 over repeated
 * loads. Then the escalation check after an observation is saved: a set
 * scoring 6 recorded for one child after another (saved, scored, the
 * escalation raised, the stay moved and its month of ward figures refreshed,
 * in one transaction) with the refresh also timed alone, the clock that
 * steps up what is overdue, and the virtual ward figures page's work for the
 * whole ICS. Seeds the ward's episodes into an ICS that has a ward (the
 * generator's demo ward). Run alone, on a small ICS in embedded PGlite:
 *   npx tsx bench/virtual-ward.ts
 */
import { pathToFileURL } from 'node:url';
import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rows, type Database } from '../src/platform/db/client.js';
import { bulkInsert } from '../src/platform/db/bulk.js';
import { recordObservations, wardCaseload, wardClockJob } from '../src/ambulatory/service.js';
import { virtualWardFigures } from '../src/population/dashboards/virtual-ward.js';
import { rollUpWardStay } from '../src/population/service.js';
import { actorFor } from '../test/actors.js';
import { percentile, summarise, timeEach } from './stats.js';

const ON_WARD = 200;
const DAYS = 30;
const EVERY_HOURS = 4;

export async function virtualWardBench(db: Database, icsId: string, opts: { loads?: number; log?: (line: string) => void } = {}) {
  const { loads = 30, log = console.log } = opts;
  const [ward] = await rows<{ id: string; nurse: string }>(db.owner, sql`SELECT w.id, r.professional_id AS nurse FROM virtual_ward w
    JOIN ward_rota r ON r.ics_id = w.ics_id AND r.ward_id = w.id AND r.position = 0 WHERE w.ics_id = ${icsId}::uuid LIMIT 1`);
  if (!ward) {
    log('\nVirtual ward: this ICS has no ward (generated before the demo ward existed): regenerate it to bench the caseload.');
    return [];
  }
  const [{ email }] = await rows<{ email: string }>(db.owner, sql`SELECT email FROM professional WHERE id = ${ward.nurse}::uuid`);
  const nurse = await actorFor(db, email);
  const now = Date.now();
  const children = await rows<{ id: string }>(db.owner, sql`SELECT c.id FROM child c WHERE c.ics_id = ${icsId}::uuid
    AND NOT EXISTS (SELECT 1 FROM ward_episode e WHERE e.ics_id = c.ics_id AND e.child_id = c.id AND e.state IN ('referred', 'accepted', 'on-ward', 'escalated'))
    ORDER BY c.id LIMIT ${ON_WARD}`);
  const admitted = new Date(now - DAYS * 86_400_000).toISOString();
  const episodes = children.map((c) => ({
    ics_id: icsId, id: crypto.randomUUID(), ward_id: ward.id, child_id: c.id, pathway_id: 'bronchiolitis', pathway_version: 1, state: 'on-ward', source: 'gp', reason: 'Bench',
    referred_by: ward.nurse, referred_by_name: 'Bench', referred_at: admitted, admitted_at: admitted, version: 3,
  }));
  await bulkInsert(db.owner, 'ward_episode', episodes);
  for (const e of episodes) {
    const sets = Array.from({ length: (DAYS * 24) / EVERY_HOURS }, (_, k) => new Date(now - DAYS * 86_400_000 + k * EVERY_HOURS * 3_600_000).toISOString());
    await bulkInsert(db.owner, 'ward_observation', sets.map((at) => ({
      ics_id: icsId, id: crypto.randomUUID(), episode_id: e.id, child_id: e.child_id, observed_at: at, recorded_at: at, recorder_kind: 'professional', recorded_by: ward.nurse,
      recorded_by_name: 'Bench', observed: { heartRate: 120 }, score: 0, parameters: { heartRate: 0 }, escalation: 'none', reasons: [], missing: ['respiratoryRate'],
      chart_name: 'bench', chart_version: 'bench',
    })));
  }
  await db.owner.execute(sql`ANALYZE ward_episode, ward_observation, ward_escalation, ward_visit`);
  const samples = await timeEach(loads, () => db.tenant(icsId, (tx) => wardCaseload(tx, nurse)));
  const listed = (await db.tenant(icsId, (tx) => wardCaseload(tx, nurse))).children.length;
  log(`\nVirtual ward: ${listed} children on the caseload, ${(episodes.length * (DAYS * 24) / EVERY_HOURS).toLocaleString('en-GB')} observation sets seeded (${DAYS} days, ${EVERY_HOURS}-hourly)`);
  log(`  ${summarise('caseload page (clock, query, audit)', samples)}`);

  // Scores 6 for a child aged 1 to 4 (RR 55, HR 155, SpO2 93, mild distress): a medium escalation each time.
  const worse = { respiratoryRate: 55, heartRate: 155, spo2: 93, respiratoryDistress: 'mild', avpu: 'A' };
  const saved = await timeEach(Math.min(loads, episodes.length), (i) =>
    db.tenant(icsId, (tx) => recordObservations(tx, nurse, episodes[i].id, { ...worse, observedAt: new Date(now - 60_000).toISOString() })));
  const raised = (await rows<{ n: number }>(db.owner, sql`SELECT count(*)::int AS n FROM ward_escalation WHERE ics_id = ${icsId}::uuid
    AND episode_id = ANY(${sql.param(episodes.map((e) => e.id))}::uuid[])`))[0].n;
  log(`  ${summarise(`observation saved with its escalation check (${raised} escalations raised)`, saved)}`);
  // Part of each save above: the stay's month of ward figures rewritten for its new highest escalation, timed on its own.
  const refreshed = await timeEach(Math.min(loads, 10), () => db.tenant(icsId, (tx) => rollUpWardStay(tx, icsId, admitted)));
  const share = percentile([...refreshed].sort((a, b) => a - b), 50) / percentile([...saved].sort((a, b) => a - b), 50);
  log(`  ${summarise('  of which the stay’s figures refreshed', refreshed)}  (${Math.round(100 * share)}% of a save at p50)`);
  const wardClock = wardClockJob(db, { icsIds: async () => [icsId] });
  const clock = await timeEach(loads, () => wardClock.run(new Date(now + 3_600_000)));
  log(`  ${summarise('escalation clock job: step up what is overdue, alert missed observations', clock)}`);
  const analyst = await actorFor(db, (await rows<{ email: string }>(db.owner, sql`SELECT email FROM professional WHERE ics_id = ${icsId}::uuid AND role = 'ics-analyst' LIMIT 1`))[0].email);
  const today = new Date(now).toISOString().slice(0, 10);
  const figures = await timeEach(Math.min(loads, 10), () => db.tenant(icsId, (tx) => virtualWardFigures(tx, analyst, {}, today)));
  log(`  ${summarise('virtual ward figures page (whole ICS)', figures)}`);
  return samples;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { freshDatabase } = await import('../test/database.js');
  const { generateIcs } = await import('../src/synth/generate.js');
  const db = await freshDatabase('pglite');
  const ics = await generateIcs(db, { children: Number(process.env.JOINERY_BENCH_CHILDREN ?? 2000), seed: 31 });
  await virtualWardBench(db, ics.icsId);
  await db.close();
}
