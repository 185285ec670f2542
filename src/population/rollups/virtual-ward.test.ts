import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../../../test/database.js';
import { rows, type Database } from '../../platform/db/client.js';
import { bulkInsert } from '../../platform/db/bulk.js';
import { generateIcs, type SynthResult } from '../../synth/generate.js';
import { rollUpVirtualWard } from './rollup.js';

/**
 * The virtual ward's figures on stays whose answers are known: seven
 * children of a practice of their own, on the ward in March 2015 (long
 * before the generated five years, so no other activity is near), with ED
 * attendances and admissions placed either side of the 7- and 30-day
 * boundaries after discharge.
 */
const MONTH = '2015-03-01';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (iso: string) => Date.parse(iso);

type Stay = {
  name: string; admitted: string; discharged?: string; outcome?: string; level?: string;
  /** ED attendances and emergency admissions, in ms after discharge (or as an instant). */
  ed?: number[]; admission?: number[]; edAt?: string;
};

/** Discharges at 09:00 or 12:00 London time (GMT in early March, BST from 29 March 2015). */
const STAYS: Stay[] = [
  { name: 'exactly 7 days', admitted: '2015-03-04T10:00:00Z', discharged: '2015-03-07T09:00:00Z', outcome: 'recovered-at-home', ed: [7 * DAY] },
  { name: 'a minute past 7 days, with an ED visit during the stay', admitted: '2015-03-05T10:00:00Z', discharged: '2015-03-06T12:00:00Z', outcome: 'recovered-at-home',
    ed: [7 * DAY + 60_000], edAt: '2015-03-05T20:00:00Z' },
  { name: 'exactly 30 days', admitted: '2015-03-08T10:00:00Z', discharged: '2015-03-10T12:00:00Z', outcome: 'recovered-at-home', ed: [30 * DAY] },
  { name: 'a minute past 30 days', admitted: '2015-03-09T10:00:00Z', discharged: '2015-03-11T12:00:00Z', outcome: 'recovered-at-home', ed: [30 * DAY + 60_000] },
  { name: 'back and admitted on day 3', admitted: '2015-03-12T10:00:00Z', discharged: '2015-03-16T12:00:00Z', outcome: 'recovered-at-home', admission: [3 * DAY] },
  { name: 'escalated high and admitted from the ward', admitted: '2015-03-20T10:00:00Z', discharged: '2015-03-22T12:00:00Z', outcome: 'admitted', level: 'high' },
  { name: 'still on the ward, escalated low', admitted: '2015-03-30T10:00:00Z', level: 'low' },
];

describe('virtual ward figures on stays with known answers (pglite)', () => {
  let db: Database;
  let ics: SynthResult;
  let practiceId: string;

  beforeAll(async () => {
    db = await freshDatabase('pglite');
    ics = await generateIcs(db, { children: 200, seed: 17 });
    const icsId = ics.icsId;
    const [place] = await rows<{ id: string }>(db.owner, sql`SELECT id FROM place WHERE ics_id = ${icsId}::uuid ORDER BY id LIMIT 1`);
    const [ward] = await rows<{ id: string; nurse: string }>(db.owner, sql`SELECT w.id, r.professional_id AS nurse FROM virtual_ward w
      JOIN ward_rota r ON r.ics_id = w.ics_id AND r.ward_id = w.id AND r.position = 0 WHERE w.ics_id = ${icsId}::uuid`);
    practiceId = crypto.randomUUID();
    const clusterId = crypto.randomUUID();
    await bulkInsert(db.owner, 'organisation', [{ ics_id: icsId, id: practiceId, ods_code: 'VW001', name: 'Virtual ward fixture practice', kind: 'gp-practice', place_id: place.id }]);
    await bulkInsert(db.owner, 'cluster', [{ ics_id: icsId, id: clusterId, name: 'Virtual ward fixture hub', place_id: place.id, lead_paediatrician_id: null }]);
    await bulkInsert(db.owner, 'cluster_practice', [{ ics_id: icsId, cluster_id: clusterId, practice_id: practiceId }]);
    // Children old enough to have been alive in 2015, never on the ward, moved to the fixture practice.
    const children = await rows<{ id: string }>(db.owner, sql`SELECT c.id FROM child c WHERE c.ics_id = ${icsId}::uuid AND c.date_of_birth < '2013-01-01'
      AND NOT EXISTS (SELECT 1 FROM ward_episode e WHERE e.child_id = c.id) ORDER BY c.id LIMIT ${STAYS.length}`);
    await db.owner.execute(sql`UPDATE child SET registered_practice_id = ${practiceId}::uuid WHERE id = ANY(${sql.param(children.map((c) => c.id))}::uuid[])`);
    const event = (childId: string, type: string, when: number) => ({
      ics_id: icsId, child_id: childId, type, occurred_at: new Date(when).toISOString(), month: new Date(when).toISOString().slice(0, 7) + '-01', age_years: 10,
      practice_id: practiceId, cluster_id: clusterId, emergency: type === 'admission' ? true : null, bed_days: type === 'admission' ? 2 : null,
    });
    for (const [i, s] of STAYS.entries()) {
      const childId = children[i].id;
      const id = crypto.randomUUID();
      await bulkInsert(db.owner, 'ward_episode', [{
        ics_id: icsId, id, ward_id: ward.id, child_id: childId, pathway_id: 'asthma', pathway_version: 1, state: s.discharged ? 'discharged' : 'on-ward', source: 'gp', reason: s.name,
        referred_by: ward.nurse, referred_by_name: 'Fixture', referred_at: s.admitted, admitted_at: s.admitted, discharged_at: s.discharged ?? null, outcome: s.outcome ?? null,
      }]);
      if (s.level) {
        await bulkInsert(db.owner, 'ward_escalation', [{ ics_id: icsId, id: crypto.randomUUID(), episode_id: id, child_id: childId, level: s.level, reasons: ['Fixture'],
          response: 'Fixture', raised_at: s.admitted, response_due_at: s.admitted, owner_id: ward.nurse, rota_position: 0 }]);
      }
      const out = s.discharged ? at(s.discharged) : 0;
      const events = [...(s.ed ?? []).map((d) => event(childId, 'ed', out + d)), ...(s.admission ?? []).map((d) => event(childId, 'admission', out + d)),
        ...(s.edAt ? [event(childId, 'ed', at(s.edAt))] : [])];
      if (events.length) await bulkInsert(db.owner, 'activity_event', events);
    }
    await db.owner.transaction((tx) => rollUpVirtualWard(tx as never, icsId, { from: MONTH, to: MONTH }));
  }, 600_000);
  afterAll(() => db?.close());

  const figure = async (measure: string, dimension = 'all') => {
    const found = await rows<{ category: string; value: number }>(db.owner, sql`SELECT category, value::float8 AS value FROM population_rollup
      WHERE practice_id = ${practiceId}::uuid AND measure = ${measure} AND dimension = ${dimension} AND month = ${MONTH}::date ORDER BY category`);
    return dimension === 'all' ? (found[0]?.value ?? 0) : found;
  };

  it('counts every child who came onto the ward, and the stays that ended, at home or in hospital', async () => {
    expect(await figure('ward-admissions')).toBe(7);
    expect(await figure('ward-discharged')).toBe(6);
    expect(await figure('ward-ended-at-home')).toBe(5);
    expect(await figure('ward-to-hospital')).toBe(1);
  });

  it('counts a re-attendance exactly 7 (or 30) days after discharge in, and a minute later out; nothing during the stay', async () => {
    // In 7 days: exactly 7 days, and back and admitted on day 3.
    expect(await figure('ward-reattended-7d')).toBe(2);
    // In 30 days: those two, a minute past 7 days, and exactly 30 days; not a minute past 30.
    expect(await figure('ward-reattended-30d')).toBe(4);
    expect(await figure('ward-reattended-admitted')).toBe(1);
  });

  it('counts bed days saved as the nights at home of stays that did not end in admission, and length of stay over every ended stay', async () => {
    // Nights by London date: 3 + 1 + 2 + 2 + 4 at home; 2 for the stay that ended in admission.
    expect(await figure('ward-bed-days-saved')).toBe(12);
    expect(await figure('ward-days')).toBe(14);
  });

  it('counts stays by their highest escalation, and breaks every figure down by the children’s groups and by pathway', async () => {
    expect(await figure('ward-escalated-high')).toBe(1);
    expect(await figure('ward-escalated-low')).toBe(1);
    expect(await figure('ward-escalated-medium')).toBe(0);
    const byImd = (await figure('ward-admissions', 'imd')) as { value: number }[];
    expect(byImd.reduce((a, r) => a + r.value, 0)).toBe(7);
    expect(await figure('ward-reattended-30d', 'pathway')).toEqual([{ category: 'asthma', value: 4 }]);
    const areas = await rows<{ level: string; value: number }>(db.owner, sql`SELECT level, value::float8 AS value FROM population_area_rollup
      WHERE area_id = (SELECT cluster_id FROM cluster_practice WHERE practice_id = ${practiceId}::uuid) AND measure = 'ward-admissions' AND dimension = 'all' AND month = ${MONTH}::date`);
    expect(areas).toEqual([{ level: 'cluster', value: 7 }]);
  });
});
