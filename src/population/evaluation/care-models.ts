import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { rows, type Tx } from '../../platform/db/client.js';
import type { Actor } from '../../platform/access/actor.js';
import { recordAudit } from '../../platform/audit/audit.js';
import { ConflictError, type FieldErrors } from '../../platform/http/errors.js';
import { field, fieldList, formOf } from '../../platform/http/form-body.js';
import { textArray } from '../../platform/db/bulk.js';
import { monthWords } from '../dashboards/figures.js';
import { addMonths } from '../../platform/time/months.js';
import { populationPolicy, required } from '../policy.js';

/**
 * Care models recorded as started: which hubs (clusters) began a model in
 * which month, and how many months it took to reach full effect. An
 * evaluation compares those hubs before and after, and against the others.
 */
export type CareModelHub = { clusterId: string; name: string; start: string; startWords: string; rampMonths: number };
export type CareModel = { model: string; hubs: CareModelHub[]; generated: boolean };

export async function careModels(tx: Tx, icsId: string): Promise<CareModel[]> {
  const found = await rows<{ model: string; cluster_id: string; name: string; start: string; ramp_months: number; generated: boolean }>(
    tx,
    sql`SELECT m.model, m.cluster_id::text, c.name, m.start_month::text AS start, m.ramp_months, m.effects IS NOT NULL AS generated
          FROM care_model_implementation m JOIN cluster c ON c.ics_id = m.ics_id AND c.id = m.cluster_id
         WHERE m.ics_id = ${icsId} ORDER BY m.model, c.name, c.id`,
  );
  const models = new Map<string, CareModel>();
  for (const r of found) {
    const m = models.get(r.model) ?? { model: r.model, hubs: [], generated: false };
    m.hubs.push({ clusterId: r.cluster_id, name: r.name, start: r.start, startWords: monthWords(r.start), rampMonths: r.ramp_months });
    m.generated ||= r.generated;
    models.set(r.model, m);
  }
  return [...models.values()];
}

export type Hub = { id: string; name: string };

const hubs = (tx: Tx, icsId: string) => rows<Hub>(tx, sql`SELECT id::text, name FROM cluster WHERE ics_id = ${icsId} ORDER BY name, id`);

export type CareModelsView = { models: CareModel[]; canRecord: boolean; hubs: Hub[] };

/** The care models page: everyone who sees the dashboards sees what was recorded; analysts and administrators may record more. */
export async function careModelsView(tx: Tx, actor: Actor): Promise<CareModelsView> {
  const why = required(populationPolicy.evaluateCareModels(actor));
  const canRecord = populationPolicy.keepMeasures(actor).allowed;
  const models = await careModels(tx, actor.icsId);
  await recordAudit(tx, actor, { action: 'population.view', what: 'Care models and their evaluations', why, details: { view: 'care-models' } });
  return { models, canRecord, hubs: canRecord ? await hubs(tx, actor.icsId) : [] };
}

/** The form's fields, in the order their errors are listed. */
export const CARE_MODEL_FIELDS = ['model', 'clusters', 'start', 'ramp'] as const;
export type CareModelValues = { model: string; clusters: string[]; month: string; year: string; ramp: string };

export const MODEL_NAME = /^[a-z0-9]+(-[a-z0-9]+)*$/;
export const MAX_RAMP_MONTHS = 36;

/** What was typed, cut short, to show again. */
export function typedCareModel(body: unknown): CareModelValues {
  const f = formOf(body);
  return {
    model: field(f, 'model', 80).trim(), clusters: fieldList(f, 'clusters', 100).map((c) => c.slice(0, 40)),
    // nhsuk-frontend's date input names its boxes start[month] and start[year].
    month: field(f, 'start[month]', 4).trim(), year: field(f, 'start[year]', 6).trim(), ramp: field(f, 'ramp', 6).trim(),
  };
}

/**
 * Records that a model started in the chosen hubs in a month, with a ramp-up:
 * one row per hub, all or none. A hub that already has the model is a field
 * error; one recorded at the same moment by someone else is a conflict.
 */
export async function recordCareModel(tx: Tx, actor: Actor, values: CareModelValues, today: string): Promise<{ fields: FieldErrors } | { model: string }> {
  const why = required(populationPolicy.keepMeasures(actor));
  const known = await hubs(tx, actor.icsId);
  const fields: FieldErrors = {};

  if (!values.model) fields.model = 'Enter the care model’s name';
  else if (values.model.length > 60 || !MODEL_NAME.test(values.model)) {
    fields.model = 'Enter a name of up to 60 lower-case letters, numbers and single hyphens, like child-health-hub';
  }
  const chosen = [...new Set(values.clusters.map((c) => c.toLowerCase()))];
  if (chosen.length === 0) fields.clusters = 'Select the hubs where the model started';
  else if (chosen.some((c) => !z.guid().safeParse(c).success || !known.some((h) => h.id === c))) fields.clusters = 'Select hubs from the list';

  const latest = addMonths(today, 24);
  const month = /^\d{1,2}$/.test(values.month) ? Number(values.month) : NaN;
  const year = /^\d{4}$/.test(values.year) ? Number(values.year) : NaN;
  const start = month >= 1 && month <= 12 && year >= 2000 ? `${year}-${String(month).padStart(2, '0')}-01` : null;
  if (!values.month && !values.year) fields.start = 'Enter the month the model started';
  else if (!start) fields.start = 'The start must be a real month and year, for example 4 2024';
  else if (start > latest) fields.start = `The start must be no later than ${monthWords(latest)}`;

  const ramp = /^\d{1,2}$/.test(values.ramp) ? Number(values.ramp) : NaN;
  if (!values.ramp) fields.ramp = 'Enter how many months the model took to reach full effect (0 if none)';
  else if (!(ramp >= 0 && ramp <= MAX_RAMP_MONTHS)) fields.ramp = `The ramp-up must be a whole number of months from 0 to ${MAX_RAMP_MONTHS}`;

  if (!fields.model && !fields.clusters) {
    const already = await rows<{ name: string }>(
      tx,
      sql`SELECT c.name FROM care_model_implementation m JOIN cluster c ON c.ics_id = m.ics_id AND c.id = m.cluster_id
           WHERE m.ics_id = ${actor.icsId} AND m.model = ${values.model} AND m.cluster_id::text = ANY(${textArray(chosen)}) ORDER BY c.name`,
    );
    if (already.length) fields.clusters = `${already.map((a) => a.name).join(', ')} already ${already.length === 1 ? 'has' : 'have'} ${values.model} recorded`;
  }
  if (Object.keys(fields).length || !start) return { fields };

  const added = await rows<{ cluster_id: string }>(
    tx,
    sql`INSERT INTO care_model_implementation (ics_id, model, cluster_id, start_month, ramp_months)
        VALUES ${sql.join(chosen.map((c) => sql`(${actor.icsId}::uuid, ${values.model}, ${c}::uuid, ${start}::date, ${ramp})`), sql`, `)}
        ON CONFLICT DO NOTHING RETURNING cluster_id::text`,
  );
  if (added.length !== chosen.length) throw new ConflictError('Someone else recorded this model for one of these hubs at the same moment. Nothing was saved: go back and check the list.');
  const names = known.filter((h) => chosen.includes(h.id)).map((h) => h.name);
  await recordAudit(tx, actor, {
    action: 'population.care-model-recorded',
    what: `Care model ${values.model} recorded as starting in ${monthWords(start)} (${ramp} months' ramp-up): ${names.join(', ')}`,
    why,
    details: { model: values.model, clusters: chosen, start, rampMonths: ramp },
  });
  return { model: values.model };
}
