import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds, freshDatabase } from '../../test/database.js';
import { rows, type Database } from '../platform/db/client.js';
import { BREAKDOWNS } from '../population/schema.js';
import { ActivityGenerator } from './activity-events.js';
import { REASON_KEYS } from './activity-mix.js';
import { monthlyRate } from '../population/service.js';
import type { DecodedEvent } from './activity-writer.js';
import type { ChildFacts } from './care-teams.js';
import { drawConditions } from './conditions.js';
import { ageOn, isoDate, parseIsoDate } from './dates.js';
import { readTsv } from '../platform/data-files.js';
import { generateIcs, type SynthResult } from './generate.js';
import { firstDayOfMonth, historyMonths, monthOfDays } from './months.js';
import { Rng } from '../platform/random/seeded.js';
import { buildStructure, type Structure } from './structure.js';

const TODAY = '2026-10-31';
const today = parseIsoDate(TODAY);
const YEAR = 365.25;

function structureFor(children: number): Structure {
  const ids = new Rng(3, 'ids');
  return buildStructure({ icsId: ids.uuid(), icsName: 'Test ICS', children, todayDays: today, demoEmailDomain: 'test.joinery.test', demoPasswordHash: null }, new Rng(3, 'structure'), ids);
}

type Child = ChildFacts & { ethnic: string };

/** Children with what the activity generator reads: birth, deprivation, practice, conditions (ages flat, deciles even). */
function childrenFor(structure: Structure, n: number, seed: number): Child[] {
  const rng = new Rng(seed, 'facts');
  return Array.from({ length: n }, (_, i) => {
    const dobDays = today - Math.floor(rng.next() * 18 * YEAR);
    const basics = { dobDays, age: ageOn(dobDays, today), decile: rng.int(1, 10), male: rng.chance(0.51), todayDays: today };
    const conditions = new Map(drawConditions(rng, basics).map((d) => [d.key, d.onsetDays]));
    return { ...basics, id: rng.uuid(), practice: structure.practices[i % structure.practices.length], conditions, ethnic: i % 5 === 0 ? 'J' : 'A' } as unknown as Child;
  });
}

function generate(structure: Structure, children: Child[], seed: number): DecodedEvent[] {
  const gen = new ActivityGenerator(structure, today, new Rng(seed, 'activity'));
  const out: DecodedEvent[] = [];
  for (const c of children) {
    gen.child(c, c.ethnic);
    if (gen.columns.length > 20_000) {
      out.push(...gen.columns.peek());
      gen.columns.take();
    }
  }
  out.push(...gen.columns.peek());
  return out;
}

/** Years a child spends in the generated history between two ages (ages in years). */
const historyFrom = firstDayOfMonth(historyMonths(today).first);
const exposure = (c: { dobDays: number }, fromAge = 0, toAge = 18) => {
  const from = Math.max(historyFrom, c.dobDays + Math.round(fromAge * YEAR));
  const to = Math.min(today, c.dobDays + Math.round(toAge * YEAR));
  return Math.max(0, to - from) / YEAR;
};

const LONDON = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' });
const reasonTypes = new Map(readTsv('activity-reasons.tsv').map((r) => [r.key, r.types.split(',')]));

describe('activity events (generator)', () => {
  const structure = structureFor(20_000);
  const children = childrenFor(structure, 20_000, 1);
  const events = generate(structure, children, 9);
  const byId = new Map(children.map((c) => [c.id, c]));
  const years = children.reduce((a, c) => a + exposure(c), 0);
  const per1000 = (n: number, y = years) => (n / y) * 1000;

  it('gives the same events for the same seed, and others for another', () => {
    const few = children.slice(0, 300);
    expect(generate(structure, few, 9)).toEqual(generate(structure, few, 9));
    expect(generate(structure, few, 10)).not.toEqual(generate(structure, few, 9));
  });

  it('dates every event while the child is alive, before today, in its month on England\'s clock, at the age of the day', () => {
    const { first } = historyMonths(today);
    const problems: string[] = [];
    for (const e of events) {
      const c = byId.get(e.childId)!;
      const local = LONDON.format(new Date(e.occurredAt)); // YYYY-MM-DD in London
      const day = parseIsoDate(local);
      if (day < c.dobDays || day >= today) problems.push(`outside life or after yesterday: ${local} ${isoDate(c.dobDays)}`);
      if (monthOfDays(day) !== e.month || e.month < first) problems.push(`month ${e.month} for ${e.occurredAt}`);
      if (ageOn(c.dobDays, day) !== e.ageYears || e.ageYears > 17) problems.push(`age ${e.ageYears} on ${local}, born ${isoDate(c.dobDays)}`);
    }
    expect(problems.slice(0, 5)).toEqual([]);
    // Summer-time evenings keep their London date: some events fall between 23:00 and midnight UTC.
    expect(events.some((e) => e.occurredAt.slice(11, 13) === '23')).toBe(true);
  });

  it('names the practice and cluster, the right kind of organisation and site, and a shipped reason for the type', () => {
    const problems: string[] = [];
    for (const e of events) {
      const c = byId.get(e.childId)!;
      const place = c.practice.place;
      if (e.practiceId !== c.practice.id || e.clusterId !== c.practice.cluster.id) problems.push(`practice or cluster ${e.type}`);
      const expected = ({
        ed: [place.acuteTrustId], admission: [place.acuteTrustId], outpatient: [place.acuteTrustId], gp: [c.practice.id], prescription: [c.practice.id],
        community: [structure.communityProviderId], 'mental-health': [structure.mentalHealthTrustId],
      } as Record<string, string[]>)[e.type];
      if (!expected.includes(e.organisationId)) problems.push(`organisation of ${e.type}`);
      if (!REASON_KEYS.includes(e.reasonCode) || !reasonTypes.get(e.reasonCode)!.includes(e.type)) problems.push(`reason ${e.reasonCode} for ${e.type}`);
      if ((e.emergency !== null) !== (e.type === 'admission') || (e.bedDays !== null) !== (e.type === 'admission')) problems.push(`admission fields on ${e.type}`);
      if ((e.firstAttendance !== null) !== (e.type === 'outpatient')) problems.push(`first attendance on ${e.type}`);
    }
    expect(problems.slice(0, 5)).toEqual([]);
  });

  it('has condition-driven events only for children with the condition, from its onset', () => {
    const condition: Record<string, string[]> = { asthma: ['asthma'], reliever: ['asthma'], preventer: ['asthma'], epilepsy: ['epilepsy'], 'epilepsy-nurse': ['epilepsy'], diabetes: ['type-1-diabetes', 'type-2-diabetes'] };
    const wrong = events.filter((e) => {
      const keys = condition[e.reasonCode];
      if (!keys) return false;
      const c = byId.get(e.childId)!;
      const onset = Math.min(...keys.map((k) => c.conditions.get(k) ?? Infinity));
      return parseIsoDate(LONDON.format(new Date(e.occurredAt))) < onset;
    });
    expect(wrong.length).toBe(0);
    expect(events.filter((e) => e.reasonCode === 'reliever').length).toBeGreaterThan(1000);
  });

  it('has ED, admissions, outpatients and GP contacts at about the spec rates', () => {
    const count = (f: (e: DecodedEvent) => boolean) => events.filter(f).length;
    const under5 = children.reduce((a, c) => a + exposure(c, 0, 5), 0);
    const under10 = children.reduce((a, c) => a + exposure(c, 0, 10), 0);
    expect(per1000(count((e) => e.type === 'ed'))).toBeGreaterThan(360);
    expect(per1000(count((e) => e.type === 'ed'))).toBeLessThan(460);
    expect(per1000(count((e) => e.type === 'ed' && e.ageYears < 5), under5)).toBeGreaterThan(740);
    expect(per1000(count((e) => e.type === 'ed' && e.ageYears < 5), under5)).toBeLessThan(880);
    expect(per1000(count((e) => e.type === 'admission' && e.emergency === true))).toBeGreaterThan(68);
    expect(per1000(count((e) => e.type === 'admission' && e.emergency === true))).toBeLessThan(88);
    const ltc = per1000(count((e) => e.type === 'admission' && e.emergency === true && ['asthma', 'diabetes', 'epilepsy'].includes(e.reasonCode)));
    expect(ltc).toBeGreaterThan(2.4);
    expect(ltc).toBeLessThan(3.9);
    const firsts = per1000(count((e) => e.type === 'outpatient' && e.firstAttendance === true));
    expect(firsts).toBeGreaterThan(19);
    expect(firsts).toBeLessThan(28);
    expect(count((e) => e.type === 'outpatient' && e.firstAttendance === false) / count((e) => e.type === 'outpatient' && e.firstAttendance === true)).toBeGreaterThan(1.4);
    const teeth = per1000(count((e) => e.reasonCode === 'tooth-extraction' && e.ageYears < 10), under10);
    expect(teeth).toBeGreaterThan(1.8);
    expect(teeth).toBeLessThan(3.3);
    // About 4 events per child a year, mostly GP contacts.
    expect(events.length / years).toBeGreaterThan(3.5);
    expect(events.length / years).toBeLessThan(5.5);
  });

  it('has ~1.5 times the ED attendances in the most deprived quintile as in the least, and more in winter than summer', () => {
    const q = (decile: number) => (decile + 1) >> 1;
    const rate = (quintile: number) => {
      const ids = new Set(children.filter((c) => q(c.decile) === quintile).map((c) => c.id));
      const y = children.filter((c) => ids.has(c.id)).reduce((a, c) => a + exposure(c), 0);
      return events.filter((e) => e.type === 'ed' && ids.has(e.childId)).length / y;
    };
    expect(rate(1) / rate(5)).toBeGreaterThan(1.35);
    expect(rate(1) / rate(5)).toBeLessThan(1.65);
    const inMonths = (months: number[]) => events.filter((e) => e.type === 'ed' && months.includes((e.month % 12) + 1)).length;
    expect(inMonths([12, 1, 2]) / inMonths([6, 7, 8])).toBeGreaterThan(1.12);
    // The model itself: January above July for every activity with a season.
    expect(monthlyRate('ed', 3, 3, 1)).toBeGreaterThan(monthlyRate('ed', 3, 3, 7));
  });

  it('reaches ~5% of children with mental health services a year, mostly at 10 to 17, Asian and Black children less often', () => {
    const mh = events.filter((e) => e.type === 'mental-health');
    expect(mh.filter((e) => e.ageYears >= 10).length / mh.length).toBeGreaterThan(0.7);
    // Children with a contact in the last full year, against those alive through it.
    const yearAgo = today - 365;
    const alive = children.filter((c) => c.dobDays < yearAgo);
    const reached = new Set(mh.filter((e) => parseIsoDate(e.occurredAt.slice(0, 10)) >= yearAgo).map((e) => e.childId));
    const share = (group: Child[]) => group.filter((c) => reached.has(c.id)).length / group.length;
    expect(share(alive)).toBeGreaterThan(0.035);
    expect(share(alive)).toBeLessThan(0.065);
    expect(share(alive.filter((c) => c.ethnic === 'J')) / share(alive.filter((c) => c.ethnic === 'A'))).toBeLessThan(0.8);
  });

  it('sees ~70% of children with epilepsy by the specialist nurse in a year, and gives relievers at a median of ~3–4 a year in asthma', () => {
    const yearAgo = today - 365;
    const epileptic = children.filter((c) => (c.conditions.get('epilepsy') ?? Infinity) < yearAgo);
    const seen = new Set(events.filter((e) => e.reasonCode === 'epilepsy-nurse' && parseIsoDate(e.occurredAt.slice(0, 10)) >= yearAgo).map((e) => e.childId));
    const share = epileptic.filter((c) => seen.has(c.id)).length / epileptic.length;
    expect(share).toBeGreaterThan(0.5);
    expect(share).toBeLessThan(0.85);
    const asthmatic = children.filter((c) => (c.conditions.get('asthma') ?? Infinity) < yearAgo);
    const relievers = new Map<string, number>();
    for (const e of events) if (e.reasonCode === 'reliever' && parseIsoDate(e.occurredAt.slice(0, 10)) >= yearAgo) relievers.set(e.childId, (relievers.get(e.childId) ?? 0) + 1);
    const counts = asthmatic.map((c) => relievers.get(c.id) ?? 0).sort((a, b) => a - b);
    const median = counts[Math.floor(counts.length / 2)];
    expect(median).toBeGreaterThanOrEqual(3);
    expect(median).toBeLessThanOrEqual(5);
  });
});

describe.each(await databaseKinds())('activity events in a generated ICS on %s', (kind) => {
  let db: Database;
  let result: SynthResult;
  beforeAll(async () => {
    db = await freshDatabase(kind);
    result = await generateIcs(db, { children: 3000, seed: 31, today: TODAY });
  }, 600_000);
  afterAll(async () => {
    await db?.close();
  });
  const q = <T>(query: ReturnType<typeof sql>) => rows<T>(db.owner, query);
  const ics = () => sql`${result.icsId}::uuid`;

  it('writes the events it counts, with the month on England\'s clock and the age on the day', async () => {
    const [r] = await q<{ n: number; bad_month: number; bad_age: number; outside: number }>(sql`
      SELECT count(*)::int AS n,
             count(*) FILTER (WHERE e.month <> date_trunc('month', e.occurred_at AT TIME ZONE 'Europe/London')::date)::int AS bad_month,
             count(*) FILTER (WHERE e.age_years <> date_part('year', age((e.occurred_at AT TIME ZONE 'Europe/London')::date, c.date_of_birth)))::int AS bad_age,
             count(*) FILTER (WHERE (e.occurred_at AT TIME ZONE 'Europe/London')::date < c.date_of_birth
                                 OR (e.occurred_at AT TIME ZONE 'Europe/London')::date >= ${TODAY}::date
                                 OR (e.occurred_at AT TIME ZONE 'Europe/London')::date >= c.date_of_birth + interval '18 years')::int AS outside
        FROM activity_event e JOIN child c ON c.ics_id = e.ics_id AND c.id = e.child_id WHERE e.ics_id = ${ics()}`);
    expect(r).toEqual({ n: result.counts.activity_event, bad_month: 0, bad_age: 0, outside: 0 });
    expect(r.n).toBeGreaterThan(3000 * 12);
  });

  it('refers to the child, their practice and its cluster, and organisations and sites of the ICS', async () => {
    const [r] = await q<Record<string, number>>(sql`
      SELECT count(*) FILTER (WHERE c.id IS NULL)::int AS no_child,
             count(*) FILTER (WHERE e.practice_id IS DISTINCT FROM c.registered_practice_id)::int AS wrong_practice,
             count(*) FILTER (WHERE e.cluster_id IS DISTINCT FROM cp.cluster_id)::int AS wrong_cluster,
             count(*) FILTER (WHERE o.id IS NULL OR s.id IS NULL OR s.organisation_id <> e.organisation_id)::int AS wrong_place
        FROM activity_event e
        LEFT JOIN child c ON c.ics_id = e.ics_id AND c.id = e.child_id
        LEFT JOIN cluster_practice cp ON cp.ics_id = e.ics_id AND cp.practice_id = e.practice_id
        LEFT JOIN organisation o ON o.ics_id = e.ics_id AND o.id = e.organisation_id
        LEFT JOIN site s ON s.ics_id = e.ics_id AND s.id = e.site_id
       WHERE e.ics_id = ${ics()}`);
    expect(r).toEqual({ no_child: 0, wrong_practice: 0, wrong_cluster: 0, wrong_place: 0 });
  });

  it('has ED at about 380 per 1,000 a year (800 at 0–4), 1.5 times as many in the most deprived quintile, more in winter', async () => {
    const sum = (measure: string, dimension = 'all', category = '') => q<{ v: number }>(sql`
      SELECT coalesce(sum(value), 0)::float AS v FROM population_rollup
       WHERE ics_id = ${ics()} AND measure = ${measure} AND dimension = ${dimension} AND category = ${category}`).then((x) => x[0].v);
    const perYear = async (measure: string, denominator: string, dimension = 'all', category = '') =>
      ((await sum(measure, dimension, category)) / ((await sum(denominator, dimension, category)) / 12)) * 1000;
    const ed = await perYear('ed', 'children');
    expect(ed).toBeGreaterThan(340);
    expect(ed).toBeLessThan(470);
    const young = await perYear('ed-0-4', 'children-0-4');
    expect(young).toBeGreaterThan(680);
    expect(young).toBeLessThan(930);
    const ratio = (await perYear('ed', 'children', 'imd', '1')) / (await perYear('ed', 'children', 'imd', '5'));
    expect(ratio).toBeGreaterThan(1.15);
    expect(ratio).toBeLessThan(1.95);
    const [season] = await q<{ winter: number; summer: number }>(sql`
      SELECT count(*) FILTER (WHERE extract(month FROM month) IN (12, 1, 2))::int AS winter, count(*) FILTER (WHERE extract(month FROM month) IN (6, 7, 8))::int AS summer
        FROM activity_event WHERE ics_id = ${ics()} AND type = 'ed'`);
    expect(season.winter).toBeGreaterThan(season.summer * 1.1);
  });

  it('rolls the events up: the total matches the events and every breakdown sums to the total', async () => {
    const [ed] = await q<{ events: number; rolled: number }>(sql`
      SELECT (SELECT count(*)::int FROM activity_event WHERE ics_id = ${ics()} AND type = 'ed') AS events,
             (SELECT sum(value)::int FROM population_rollup WHERE ics_id = ${ics()} AND measure = 'ed' AND dimension = 'all') AS rolled`);
    expect(ed.rolled).toBe(ed.events);
    const sums = await q<{ measure: string; dimension: string; total: number }>(sql`
      SELECT measure, dimension, sum(value)::float AS total FROM population_rollup
       WHERE ics_id = ${ics()} AND measure IN ('ed', 'emergency-admissions', 'bed-days', 'gp-contacts', 'mental-health-contacts', 'children', 'asthma')
       GROUP BY 1, 2`);
    const totals = new Map(sums.filter((s) => s.dimension === 'all').map((s) => [s.measure, s.total]));
    expect(totals.size).toBe(7);
    for (const s of sums) expect([s.measure, s.dimension, s.total]).toEqual([s.measure, s.dimension, totals.get(s.measure)]);
    expect(new Set(sums.map((s) => s.dimension))).toEqual(new Set(BREAKDOWNS));
    const [{ n }] = await q<{ n: number }>(sql`SELECT count(*)::int AS n FROM population_rollup WHERE ics_id = ${ics()}`);
    expect(result.counts.population_rollup).toBe(n);
  });

  it('records diabetes technology for some children with diabetes, with the local codes the dashboards count', async () => {
    const [r] = await q<{ diabetic: number; with_tech: number; stray: number }>(sql`
      SELECT count(DISTINCT p.child_id)::int AS diabetic, count(DISTINCT t.child_id)::int AS with_tech,
             (SELECT count(*)::int FROM record_entry x WHERE x.ics_id = ${ics()} AND x.code_system = 'urn:joinery:local'
                AND (x.kind <> 'procedure' OR x.code NOT IN ('continuous-glucose-monitor', 'insulin-pump')
                     OR NOT EXISTS (SELECT 1 FROM record_entry d WHERE d.ics_id = x.ics_id AND d.child_id = x.child_id AND d.kind = 'problem'
                                      AND d.code IN ('46635009', '44054006') AND d.started_on < x.started_on))) AS stray
        FROM record_entry p
        LEFT JOIN record_entry t ON t.ics_id = p.ics_id AND t.child_id = p.child_id AND t.kind = 'procedure' AND t.code_system = 'urn:joinery:local'
       WHERE p.ics_id = ${ics()} AND p.kind = 'problem' AND p.code IN ('46635009', '44054006')`);
    expect(r.stray).toBe(0);
    expect(r.diabetic).toBeGreaterThan(0);
    expect(r.with_tech).toBeLessThanOrEqual(r.diabetic);
  });
});
