import type { Observation, ObservationComponent, Quantity } from '@medplum/fhirtypes';
import { sql, type SQL } from 'drizzle-orm';
import { rows } from '../../platform/db/client.js';
import { LOINC, OBSERVATION_CATEGORY, PEWS_SCORE_SYSTEM, UCUM } from '../codes.js';
import { notFound } from '../outcome.js';
import { dateRange, instant, metaOf, patientParam } from './common.js';
import { tokenList } from './search-params.js';
import { seeFound, seePatient } from './access.js';
import type { ExtraSource } from './alongside.js';
import type { Query, Reading, SearchWithDoor } from './handler.js';
import { observationSets, observationSetsRead, type ObservationSetRow } from './virtual-ward-rows.js';

/**
 * Each set of observations recorded on the virtual ward as several
 * Observations: one per vital sign given (LOINC, the vital-signs category,
 * UCUM units), and the early warning score as its own. Their ids are the
 * set's id with a suffix for the part (…-hr), so each reads back alone.
 */

const WHAT = 'Virtual ward observations (FHIR Observation)';

type Vital = { field: string; codes: [string, string][]; unit: string; ucum: string };

/** The vital signs a set may hold; blood pressure is the panel with a systolic component (the FHIR vital-signs profile's shape). */
const VITALS: Record<string, Vital> = {
  rr: { field: 'respiratoryRate', codes: [['9279-1', 'Respiratory rate']], unit: 'breaths/minute', ucum: '/min' },
  hr: { field: 'heartRate', codes: [['8867-4', 'Heart rate']], unit: 'beats/minute', ucum: '/min' },
  spo2: { field: 'spo2', codes: [['2708-6', 'Oxygen saturation in Arterial blood'], ['59408-5', 'Oxygen saturation in Arterial blood by Pulse oximetry']], unit: '%', ucum: '%' },
  temp: { field: 'temperature', codes: [['8310-5', 'Body temperature']], unit: '°C', ucum: 'Cel' },
  bp: { field: 'systolicBP', codes: [['85354-9', 'Blood pressure panel with all children optional']], unit: 'mmHg', ucum: 'mm[Hg]' },
};
const SYSTOLIC: [string, string] = ['8480-6', 'Systolic blood pressure'];

/**
 * No LOINC or SNOMED CT code names the national System-wide PEWS (SPOT) total
 * that this server could confirm; the generic "paediatric early warning
 * score" codes belong to other instruments (Brighton, Monaghan), so a
 * receiver would read a different scale. The score goes in Joinery's own
 * code system, the chart and version named in `method`.
 */
export const PEWS_CODE = { system: PEWS_SCORE_SYSTEM, code: 'spot-pews-total', display: 'System-wide Paediatric Early Warning Score (SPOT) total' };

const PARTS = [...Object.keys(VITALS), 'pews'];
const ID = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})-([a-z0-9]{2,4})$/;

/** Whether an Observation id names a part of a ward observation set (the set's uuid, a hyphen, the part). */
export const isWardObservationId = (id: string) => ID.test(id) && PARTS.includes(ID.exec(id)![2]);

const quantity = (value: number, v: Vital): Quantity => ({ value, unit: v.unit, system: UCUM, code: v.ucum });
const coded = (codes: [string, string][]) => ({ coding: codes.map(([code, display]) => ({ system: LOINC, code, display })), text: codes.at(-1)![1] });

function common(s: ObservationSetRow, part: string): Omit<Observation, 'code'> {
  return {
    resourceType: 'Observation',
    id: `${s.id}-${part}`,
    meta: metaOf(1, s.recorded_at),
    status: 'final',
    subject: { reference: `Patient/${s.child_id}` },
    effectiveDateTime: instant(s.observed_at),
    issued: instant(s.recorded_at),
    performer: [s.recorder_kind === 'professional' && s.recorded_by
      ? { reference: `Practitioner/${s.recorded_by}`, display: s.recorded_by_name }
      : { display: `${s.recorded_by_name} (carer, from the family pages)` }],
  };
}

function vitalOf(s: ObservationSetRow, part: string): Observation | null {
  const v = VITALS[part];
  const value = s.observed[v.field];
  if (typeof value !== 'number') return null;
  const category = [{ coding: [{ system: OBSERVATION_CATEGORY, code: 'vital-signs', display: 'Vital Signs' }], text: 'Vital signs' }];
  if (part === 'bp') {
    const component: ObservationComponent = { code: coded([SYSTOLIC]), valueQuantity: quantity(value, v) };
    return { ...common(s, part), category, code: coded(v.codes), component: [component] };
  }
  return { ...common(s, part), category, code: coded(v.codes), valueQuantity: quantity(value, v) };
}

function pewsOf(s: ObservationSetRow): Observation {
  const given = PARTS.filter((p) => p !== 'pews' && typeof s.observed[VITALS[p].field] === 'number');
  return {
    ...common(s, 'pews'),
    category: [{ coding: [{ system: OBSERVATION_CATEGORY, code: 'survey', display: 'Survey' }], text: 'Early warning score' }],
    code: { coding: [PEWS_CODE], text: PEWS_CODE.display },
    valueInteger: s.score,
    method: { text: `${s.chart_name}, version ${s.chart_version} (validated for inpatients; used at home off-label)` },
    interpretation: [{ text: s.escalation === 'none' ? 'No escalation' : `Escalation: ${s.escalation}` }],
    note: s.missing.length ? [{ text: `Not observed, so not scored: ${s.missing.join(', ')}` }] : undefined,
    derivedFrom: given.map((p) => ({ reference: `Observation/${s.id}-${p}` })),
  };
}

export function observationsOfSet(s: ObservationSetRow): Observation[] {
  return [...Object.keys(VITALS).map((p) => vitalOf(s, p)).filter((o): o is Observation => o !== null), pewsOf(s)];
}

async function ofChild(r: Reading, childId: string): Promise<Observation[]> {
  await seePatient(r, childId, WHAT);
  return (await observationSets(r, { childId })).flatMap(observationsOfSet);
}

const day = (o: Observation) => o.effectiveDateTime!.slice(0, 10);

/** What an Observation search asks of the ward's observations. */
type WardSearch = { childId: string; codes?: string[]; statuses?: string[]; from?: string; to?: string };

/** The statuses a search may ask for and still be given the ward's observations (each is final). */
const SERVED_STATUSES = ['final', 'amended', 'corrected'];

/** A code list of none, or no status the ward's observations are served under: nothing of the ward's matches. */
const matchesNone = (q: WardSearch) => q.codes?.length === 0 || (q.statuses !== undefined && !q.statuses.some((s) => SERVED_STATUSES.includes(s)));

/**
 * The sets that can give an Observation the search matches, as a condition on
 * the set `o`, so the rest are not read: one with a vital sign of a code asked
 * for (every set has its score), observed on the days asked for (UTC days, as
 * effectiveDateTime shows them). Each Observation is still matched after.
 */
function setsMatching(q: WardSearch): SQL {
  if (matchesNone(q)) return sql`false`;
  const parts: SQL[] = [];
  if (q.codes && !q.codes.includes(PEWS_CODE.code)) {
    const given = Object.values(VITALS).filter((v) => v.codes.some(([code]) => q.codes!.includes(code)))
      .map((v) => sql`jsonb_typeof(o.observed -> ${v.field}) = 'number'`);
    parts.push(given.length ? sql`(${sql.join(given, sql` OR `)})` : sql`false`);
  }
  if (q.from) parts.push(sql`o.observed_at >= (${q.from}::date::timestamp AT TIME ZONE 'UTC')`);
  if (q.to) parts.push(sql`o.observed_at < ((${q.to}::date + 1)::timestamp AT TIME ZONE 'UTC')`);
  return parts.length ? sql.join(parts, sql` AND `) : sql`true`;
}

/** One child's search of the ward's observations: its sets read with the door's question (searchOneChild), or read once it is open. */
function wardSearch(query: Query): SearchWithDoor<Observation[]> {
  const q: WardSearch = {
    childId: patientParam(query)!, codes: tokenList(query, 'code', [LOINC, PEWS_SCORE_SYSTEM]), statuses: tokenList(query, 'status', ['']), ...dateRange(query, 'date'),
  };
  const matching = setsMatching(q);
  return {
    childId: q.childId,
    read: observationSetsRead(matching),
    async answer(r, withDoor) {
      await seePatient(r, q.childId, WHAT);
      const sets = withDoor ? (withDoor.found as ObservationSetRow[]) : matchesNone(q) ? [] : await observationSets(r, { childId: q.childId }, matching);
      return sets.flatMap(observationsOfSet)
        .filter((o) => (!q.codes || o.code.coding!.some((c) => q.codes!.includes(c.code!))) && (!q.from || day(o) >= q.from) && (!q.to || day(o) <= q.to));
    },
  };
}

export const wardObservations: ExtraSource = {
  claims: isWardObservationId,
  async owns(r, id) {
    if (!isWardObservationId(id)) return false;
    return (await rows(r.tx, sql`SELECT 1 FROM ward_observation WHERE ics_id = ${r.actor.icsId}::uuid AND id = ${ID.exec(id)![1]}::uuid`)).length > 0;
  },
  async read(r, id) {
    const set = await seeFound(r, observationSets(r, { id: ID.exec(id)![1] }), WHAT);
    const found = observationsOfSet(set).find((o) => o.id === id);
    if (!found) throw notFound();
    return found;
  },
  search: (r, query) => wardSearch(query).answer(r),
  searchWithDoor: (_r, query) => wardSearch(query),
  everything: ofChild,
  everyChild: async (r) => (await observationSets(r, { childIds: r.accesses.map((a) => a.childId) })).flatMap(observationsOfSet),
  readOnly: 'Observations on the virtual ward are recorded on Joinery’s pages, where they are scored and escalated; they are read only here.',
  documentation: `Also the virtual ward’s observations: each vital sign (LOINC, category vital-signs, UCUM units) and the PEWS score as its own Observation (${PEWS_SCORE_SYSTEM}|${PEWS_CODE.code}), read only.`,
};
