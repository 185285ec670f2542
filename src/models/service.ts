import { z } from 'zod';
import type { Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { recordAudit } from '../platform/audit/audit.js';
import { ConflictError, ForbiddenError, NotFoundError, type FieldErrors } from '../platform/http/errors.js';
import { careModels, listIndicators, modelMonthlySums } from '../population/service.js';
import type { Indicator } from '../population/index.js';
import { hubsLedBy } from '../organisations/service.js';
import { modelsPolicy } from './policy.js';
import { monthsToJudge } from './time-to-judgement.js';
import { standardsJson, standardsReport } from './standards-report.js';
import { checkEntry, entryFromForm, EMPTY_CONFIGURATION, type EntryForm, type ModelEntry } from './entry.js';
import { insertModel, registeredModel, registeredModels, updateModel } from './store.js';
import { EXPORT_FORMAT, MODEL_TYPES, type RegisteredModel } from './index.js';

/**
 * The register of care models: each model the ICS runs, described, with the
 * hubs where it started (recorded by population health, for the evaluation).
 * A model recorded as started but never described shows as such.
 */

export { modelsPolicy } from './policy.js';

const required = (d: ReturnType<typeof modelsPolicy.keepRegister>): string => {
  if (!d.allowed) throw new ForbiddenError(d.reason);
  return d.why;
};

/** For the pages that only keepers open (the forms): refuses anyone else with the policy's reason. */
export function refuseUnlessKeeper(actor: Actor): string {
  return required(modelsPolicy.keepRegister(actor));
}

/** Every model: the register's entries joined to the hub starts population holds. */
async function allModels(tx: Tx, icsId: string): Promise<RegisteredModel[]> {
  const [entries, started] = await Promise.all([registeredModels(tx, icsId), careModels(tx, icsId)]);
  const hubsOf = new Map(started.map((m) => [m.model, m.hubs.map((h) => ({ clusterId: h.clusterId, hub: h.name, start: h.start, rampMonths: h.rampMonths }))]));
  const described: RegisteredModel[] = entries.map(({ version, ...e }) => ({ ...e, version, hubs: hubsOf.get(e.name) ?? [], described: true }));
  const undescribed: RegisteredModel[] = started.filter((m) => !entries.some((e) => e.name === m.model)).map((m) => ({
    name: m.model, title: m.model, type: 'other', configuration: EMPTY_CONFIGURATION, mechanisms: [], earlyIndicators: [], finalOutcomes: [],
    hubs: hubsOf.get(m.model) ?? [], version: 0, described: false,
  }));
  return [...described, ...undescribed];
}

export type RegisterView = { models: RegisteredModel[]; canKeep: boolean; indicators: Indicator[]; why: string };

/**
 * The models an actor may see: the whole register for its keepers; for a
 * paediatrician, those running in a hub they lead. Anyone else is refused.
 */
export async function visibleModels(tx: Tx, actor: Actor): Promise<RegisterView> {
  const whole = modelsPolicy.viewRegister(actor);
  const models = await allModels(tx, actor.icsId);
  const indicators = await listIndicators(tx, actor.icsId);
  if (whole.allowed) return { models, canKeep: modelsPolicy.keepRegister(actor).allowed, indicators, why: whole.why };
  const led = actor.role === 'paediatrician' ? (await hubsLedBy(tx, actor.icsId, actor.professionalId)).map((h) => h.id) : [];
  const seen = models.filter((m) => modelsPolicy.viewModel(actor, m.hubs.map((h) => h.clusterId), led).allowed);
  if (seen.length === 0) throw new ForbiddenError(actor.role === 'paediatrician' ? 'No care model in the register runs in a hub you lead.' : whole.reason);
  return { models: seen, canKeep: false, indicators, why: 'lead paediatrician of a hub the model runs in' };
}

/** One model, if the actor may see it (an unknown model and one they may not see are both "not found" to a hub lead). */
export async function visibleModel(tx: Tx, actor: Actor, name: string): Promise<RegisterView & { model: RegisteredModel }> {
  const v = await visibleModels(tx, actor);
  const model = v.models.find((m) => m.name === name);
  if (!model) throw new NotFoundError();
  return { ...v, model };
}

export type Saved = { fields: FieldErrors } | { name: string };

/** Adds a model to the register, or describes one recorded as started (its name fixed by the start). */
export async function addModel(tx: Tx, actor: Actor, form: EntryForm): Promise<Saved> {
  const why = required(modelsPolicy.keepRegister(actor));
  const ids = (await listIndicators(tx, actor.icsId)).map((i) => i.id);
  const { entry, fields } = entryFromForm(form, ids);
  if (!fields.name && (await registeredModel(tx, actor.icsId, entry.name))) fields.name = `${entry.name} is in the register already: change it from its own page`;
  if (Object.keys(fields).length) return { fields };
  if (!(await insertModel(tx, actor, entry))) throw new ConflictError('Someone else added a model with this name at the same moment. Nothing was saved.');
  await audited(tx, actor, why, 'models.added', `Care model ${entry.name} added to the register`, entry);
  return { name: entry.name };
}

/** Changes a model's description; a page older than the last save is refused (409) and nothing changes. */
export async function changeModel(tx: Tx, actor: Actor, name: string, form: EntryForm): Promise<Saved> {
  const why = required(modelsPolicy.keepRegister(actor));
  const before = await registeredModel(tx, actor.icsId, name);
  if (!before) throw new NotFoundError();
  const ids = (await listIndicators(tx, actor.icsId)).map((i) => i.id);
  const { entry, fields } = entryFromForm(Object.assign({}, form, { name }), ids);
  const seen = /^\d{1,9}$/.test(form.version) ? Number(form.version) : NaN;
  if (Object.keys(fields).length) return { fields };
  if (Number.isNaN(seen) || (await updateModel(tx, actor, entry, seen)) === null) {
    throw new ConflictError('Someone else changed this model since you opened the page. Nothing was saved: open it again to see their change.', before.version);
  }
  await audited(tx, actor, why, 'models.changed', `Care model ${name} changed in the register`, entry);
  return { name };
}

const audited = (tx: Tx, actor: Actor, why: string, action: string, what: string, e: ModelEntry) =>
  recordAudit(tx, actor, { action, what, why, details: { model: e.name, type: e.type } });

/** The register as JSON for another ICS: descriptions, and the hubs' starts for reading (hubs differ between ICSs, so an import leaves them out). */
export async function exportRegister(tx: Tx, actor: Actor) {
  required(modelsPolicy.viewRegister(actor));
  const v = await visibleModels(tx, actor);
  return {
    format: EXPORT_FORMAT,
    version: 1,
    models: v.models.filter((m) => m.described).map((m) => ({
      name: m.name, title: m.title, type: m.type, configuration: m.configuration, mechanisms: m.mechanisms,
      earlyIndicators: m.earlyIndicators, finalOutcomes: m.finalOutcomes,
      hubs: m.hubs.map((h) => ({ hub: h.hub, start: h.start, rampMonths: h.rampMonths })),
    })),
  };
}

const nullableCount = z.number().nullable();
const importShape = z.object({
  format: z.literal(EXPORT_FORMAT),
  version: z.literal(1),
  models: z.array(z.object({
    name: z.string(),
    title: z.string(),
    type: z.enum(Object.keys(MODEL_TYPES) as [keyof typeof MODEL_TYPES]),
    configuration: z.object({
      practices: nullableCount, children: nullableCount, paediatricianSessionsPerMonth: nullableCount, jointClinicEveryWeeks: nullableCount,
      mdtEveryWeeks: nullableCount, adviceResponseHours: nullableCount, staffGroups: z.array(z.string()), practiceChampions: nullableCount,
      hours: z.string(), fundingPerYear: nullableCount, startDate: z.string().nullable(), lead: z.string(),
    }),
    mechanisms: z.array(z.string()),
    earlyIndicators: z.array(z.string()),
    finalOutcomes: z.array(z.string()),
  })).min(1).max(200),
});

export type Imported = { errors: string[] } | { added: string[]; changed: string[] };

/**
 * Loads another ICS's register (or a saved copy of this one): each model is
 * added, or replaces this ICS's description of the same name. All or nothing:
 * one bad model and nothing is loaded, with every problem listed.
 */
export async function importRegister(tx: Tx, actor: Actor, text: string): Promise<Imported> {
  const why = required(modelsPolicy.keepRegister(actor));
  let raw: unknown;
  try { raw = JSON.parse(text); } catch { return { errors: ['The file is not JSON. Paste the register exactly as Joinery exported it.'] }; }
  const parsed = importShape.safeParse(raw);
  if (!parsed.success) {
    return { errors: parsed.error.issues.slice(0, 10).map((i) => `${i.path.length ? i.path.join('.') : 'the file'}: ${i.message}`) };
  }
  const ids = (await listIndicators(tx, actor.icsId)).map((i) => i.id);
  const errors: string[] = [];
  const names = new Set<string>();
  for (const m of parsed.data.models) {
    const problems = Object.values(checkEntry(m as ModelEntry, ids));
    if (names.has(m.name)) problems.push('the name appears twice in the file');
    names.add(m.name);
    errors.push(...problems.map((p) => `${m.name || 'A model with no name'}: ${p}`));
  }
  if (errors.length) return { errors };
  const added: string[] = [];
  const changed: string[] = [];
  for (const m of parsed.data.models as ModelEntry[]) {
    const before = await registeredModel(tx, actor.icsId, m.name);
    if (before) {
      if ((await updateModel(tx, actor, m, before.version)) === null) throw new ConflictError('Someone changed the register while it was loading. Nothing was loaded.');
      changed.push(m.name);
    } else {
      if (!(await insertModel(tx, actor, m))) throw new ConflictError('Someone changed the register while it was loading. Nothing was loaded.');
      added.push(m.name);
    }
  }
  await recordAudit(tx, actor, { action: 'models.imported', what: `Care model register loaded: ${added.length} added, ${changed.length} replaced`, why, details: { added, changed } });
  return { added, changed };
}



/** When a model can be judged on an indicator (the CLI and the comparison page ask it). */
export async function timeToJudgement(tx: Tx, icsId: string, request: { indicatorId: string; model: string; effect: number; power: number; today?: string }) {
  const sums = await modelMonthlySums(tx, icsId, request);
  return monthsToJudge(sums, { effect: request.effect, power: request.power });
}

/**
 * The standards for the whole ICS as `joinery standards --json` prints them: the
 * page's own code, with small numbers withheld (the command line has no role
 * that cares for children).
 */
export async function standardsOfIcs(tx: Tx, icsId: string, today: string, o: { overTime?: boolean } = {}) {
  const overTime = o.overTime ?? false;
  return standardsJson(await standardsReport(tx, icsId, { today, hideSmall: true, overTime }), { overTime });
}
