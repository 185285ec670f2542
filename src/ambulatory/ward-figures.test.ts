import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../platform/db/client.js';
import { londonDateAndTime } from '../platform/time/form-dates.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { importActivity } from '../population/service.js';
import { acknowledgeEscalation } from './escalations.js';
import { dischargeFromWard } from './discharge.js';
import { recordObservations } from './observations.js';
import { wardClockJob } from './step-up-job.js';
import { demoWard, episodeState, inIcs, onWard, plainChild, type Ward } from './test-fixtures.js';

/**
 * The virtual ward's figures straight after each thing that changes a stay,
 * with no full rollup in between: the child coming onto the ward, an
 * escalation (and a higher one), discharge, and an ED attendance imported
 * a few days later. Each figure is read for the child's practice and the
 * month the stay began, before and after, so the generated stays around it
 * do not matter.
 */
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// Days before today: the ward's team keeps its relationship with the child (and so may file the letter) only for days after discharge.
const ADMITTED = new Date(Date.now() - 6 * DAY);
const DISCHARGED = new Date(ADMITTED.getTime() + 3 * DAY);
/** The stay counts in the month it began. */
const MONTH = `${londonDateAndTime(ADMITTED).date.slice(0, 7)}-01`;

describe('the virtual ward’s figures are right straight after each event of a stay', () => {
  let j: TestJoinery;
  let w: Ward;
  let childId: string;
  let episodeId: string;
  let dir: string;

  beforeAll(async () => {
    j = await startJoinery('pglite', 300);
    w = await demoWard(j);
    childId = await plainChild(j, w.gp, { toddler: true });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ward-figures-'));
  }, 300_000);
  afterAll(async () => {
    await j?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The practice's figures for the month, as the population pages read them. */
  const figures = async (month = MONTH) => Object.fromEntries((await rows<{ measure: string; value: number }>(j.db.owner, sql`
    SELECT measure, value::float8 AS value FROM population_rollup
     WHERE ics_id = ${j.ics.icsId}::uuid AND practice_id = ${w.gp.organisationId}::uuid AND dimension = 'all' AND month = ${month}::date AND measure LIKE 'ward-%'`))
    .map((r) => [r.measure, r.value]));
  /** How each figure moved from `before`, leaving out those that did not. */
  const moved = (before: Record<string, number>, after: Record<string, number>) => Object.fromEntries(
    [...new Set([...Object.keys(before), ...Object.keys(after)])].map((k) => [k, (after[k] ?? 0) - (before[k] ?? 0)]).filter(([, d]) => d !== 0));

  it('counts the admission as soon as the child comes onto the ward', async () => {
    const before = await figures();
    episodeId = await onWard(j, w, childId, 'bronchiolitis', ADMITTED);
    expect(moved(before, await figures())).toEqual({ 'ward-admissions': 1 });
  });

  it('counts the stay under its highest escalation as each is raised', async () => {
    const before = await figures();
    // PEWS 6 for a toddler: medium.
    const medium = await inIcs(j, (tx) => recordObservations(tx, w.nurse, episodeId, { respiratoryRate: 55, heartRate: 155, spo2: 93, respiratoryDistress: 'mild' }, new Date(ADMITTED.getTime() + HOUR)));
    expect(medium.result.escalation).toBe('medium');
    expect(moved(before, await figures())).toEqual({ 'ward-escalated-medium': 1 });
    await inIcs(j, (tx) => acknowledgeEscalation(tx, w.nurse, medium.escalationId!, new Date(ADMITTED.getTime() + 1.2 * HOUR)));

    // Responding only to voice is a high trigger: the stay now counts as high, and no longer as medium.
    const high = await inIcs(j, (tx) => recordObservations(tx, w.nurse, episodeId, { respiratoryRate: 30, avpu: 'V' }, new Date(ADMITTED.getTime() + 5 * HOUR)));
    expect(high.result.escalation).toBe('high');
    expect(moved(before, await figures())).toEqual({ 'ward-escalated-high': 1 });
    await inIcs(j, (tx) => acknowledgeEscalation(tx, w.nurse, high.escalationId!, new Date(ADMITTED.getTime() + 5.1 * HOUR)));
  });

  it('counts the stay’s days and the bed days it saved as soon as the child is discharged home', async () => {
    const before = await figures();
    const { version } = await episodeState(j, episodeId);
    await inIcs(j, (tx) => dischargeFromWard(tx, w.nurse, episodeId, { outcome: 'recovered-at-home', summary: 'Feeding well, no oxygen needed.', version }, DISCHARGED));
    // Three nights at home that would have been in a hospital bed.
    expect(moved(before, await figures())).toEqual({ 'ward-discharged': 1, 'ward-ended-at-home': 1, 'ward-days': 3, 'ward-bed-days-saved': 3 });
  });

  it('counts a re-attendance within 7 and 30 days as soon as the ED attendance is imported, with no full rollup', async () => {
    const before = await figures();
    const [{ nhs_number }] = await rows<{ nhs_number: string }>(j.db.owner, sql`SELECT nhs_number FROM child WHERE id = ${childId}::uuid`);
    const file = path.join(dir, 'ed.csv');
    const back = new Date(DISCHARGED.getTime() + 2 * DAY + HOUR).toISOString();
    fs.writeFileSync(file, `source_id,nhs_number,type,occurred_at\nward-figures-ed-1,${nhs_number},ed,${back}\n`);
    const summary = await importActivity(j.db, j.ics.icsId, file, { now: new Date() });
    expect(summary).toMatchObject({ added: 1, rejected: 0 });
    expect(moved(before, await figures())).toEqual({ 'ward-reattended-7d': 1, 'ward-reattended-30d': 1 });
  });

  it('counts a stay whose first escalation is the clock’s missed-observation alert as soon as the clock has run', async () => {
    const clock = wardClockJob(j.db, { icsIds: async () => [j.ics.icsId] });
    const now = new Date();
    // Whatever the demo ward's other stays have overdue is alerted first, so the next run alerts this child's stay alone.
    await clock.run(now);
    const admitted = new Date(now.getTime() - 5 * HOUR);
    const month = `${londonDateAndTime(admitted).date.slice(0, 7)}-01`;
    const before = await figures(month);
    await onWard(j, w, await plainChild(j, w.gp), 'bronchiolitis', admitted);
    // Bronchiolitis observations are 4-hourly: an hour overdue.
    expect(await clock.run(now)).toBe('0 escalations stepped up, 1 missed-observation alert raised');
    expect(moved(before, await figures(month))).toEqual({ 'ward-admissions': 1, 'ward-escalated-low': 1 });
  });
});
