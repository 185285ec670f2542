import { z } from 'zod';
import type { Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { policy } from '../platform/access/policy.js';
import { recordAudit } from '../platform/audit/audit.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError, type FieldErrors } from '../platform/http/errors.js';
import { parseInput, parseWithRules, text } from '../platform/http/validate.js';
import { LEVELS } from './pews-chart.js';
import type { WardResponses } from './schema.js';
import * as store from './store.js';

export type { PathwayRow } from './store.js';
import * as adminStore from './ward-admin-store.js';

/**
 * What the ICS sets for its virtual ward as data (issue 17): the pathways
 * (criteria, observations and how often, expected stay, discharge criteria),
 * the response and timer for each escalation level, the rota an
 * unacknowledged escalation steps up through, and the ward's capacity. Only the ICS clinical lead or
 * an administrator changes them. A pathway is saved as a new version, which
 * new referrals take and episodes already referred keep; new timers apply to
 * escalations raised (or stepped up) after the save; the rota to the next
 * owner or step-up. Every save is audited with what changed.
 */

export function requireWardEditor(actor: Actor) {
  const d = policy.editVirtualWard(actor);
  if (!d.allowed) throw new ForbiddenError(d.reason);
  return d;
}

/** The observations a pathway may ask for, in the chart's words (the names are those `joinery pews` reads). */
export const OBSERVATION_CHOICES: Record<string, string> = {
  respiratoryRate: 'Respiratory rate', heartRate: 'Heart rate', systolicBP: 'Systolic blood pressure', spo2: 'Oxygen saturation (SpO₂)',
  oxygen: 'Oxygen given (device and flow)', respiratoryDistress: 'Respiratory distress', capillaryRefillSeconds: 'Capillary refill time',
  temperature: 'Temperature', avpu: 'Conscious level (AVPU)', carer: 'The carer’s answer: how is your child different?',
};

export const RAISED_LEVELS = LEVELS.filter((l) => l !== 'none') as Exclude<(typeof LEVELS)[number], 'none'>[];

const criteria = (label: string) => z.preprocess(
  (v) => (typeof v === 'string' ? v.split(/\r?\n/).map((l) => l.trim()).filter(Boolean) : v),
  z.array(text(label, { max: 300 }), { error: `Enter ${label}, one on each line` }).min(1, `Enter ${label}, one on each line`).max(20, `Give at most 20 ${label}`),
);
const whole = (label: string, min: number, max: number, unit: string) => z.preprocess(
  (v) => (typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : v),
  z.number({ error: `Enter ${label} as a whole number of ${unit}, from ${min} to ${max}` }).int().min(min, `${capital(label)} must be from ${min} to ${max} ${unit}`).max(max, `${capital(label)} must be from ${min} to ${max} ${unit}`),
);
const capital = (s: string) => s[0].toUpperCase() + s.slice(1);

const pathwayShape = z.object({
  name: text('the pathway’s name', { max: 120 }),
  inclusion: criteria('inclusion criteria'),
  exclusion: criteria('exclusion criteria'),
  observations: z.preprocess((v) => [v ?? []].flat(), z.array(z.string().refine((o) => o in OBSERVATION_CHOICES, 'Choose observations from the list'))
    .min(1, 'Choose at least one observation to record')),
  observeEveryHours: whole('how often observations are due', 1, 48, 'hours'),
  expectedStayDays: whole('the expected length of stay', 1, 60, 'days'),
  dischargeCriteria: criteria('discharge criteria'),
  active: z.enum(['yes', 'no'], { error: 'Say whether the pathway takes new referrals' }),
});

/** A new pathway's id: its name in lower case with hyphens (ids are kept in episodes and the figures, so they never change). */
export const pathwayIdFor = (name: string) => name.toLowerCase().normalize('NFKD').replace(/[^a-z]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);

/** The set-up page: the ward, every pathway (not taking referrals too), the timers, the rota and what changed lately. */
export async function wardSetUp(tx: Tx, actor: Actor) {
  requireWardEditor(actor);
  const ward = await store.theWard(tx, actor.icsId);
  if (!ward) throw new NotFoundError('This ICS has not set up a virtual ward yet.');
  const [pathways, rota, changes] = [await store.pathways(tx, actor.icsId, false), await store.rota(tx, actor.icsId, ward.id), await adminStore.settingChanges(tx, actor.icsId, ward.id)];
  return { ward, pathways, rota, changes };
}

export async function pathwayWithHistory(tx: Tx, actor: Actor, id: string) {
  requireWardEditor(actor);
  const pathway = await store.pathwayById(tx, actor.icsId, id);
  if (!pathway) throw new NotFoundError();
  return { pathway, history: await adminStore.pathwayVersions(tx, actor.icsId, id) };
}

/**
 * Saves a pathway: a new one (no id) at version 1, or the next version of
 * one whose version the editor saw (409 when someone saved first). The
 * row, its version and the audit are written together or not at all.
 */
export async function savePathway(tx: Tx, actor: Actor, id: string | null, raw: Record<string, unknown>): Promise<{ id: string; version: number }> {
  requireWardEditor(actor);
  const input = parseInput(pathwayShape, raw);
  const values = { ...input, active: input.active === 'yes' };
  const by = { id: actor.professionalId, name: actor.name };
  if (id === null) {
    const newId = pathwayIdFor(input.name);
    if (!newId) throw new ValidationError({ name: 'The pathway’s name needs letters' });
    if (await store.pathwayById(tx, actor.icsId, newId)) throw new ValidationError({ name: `There is already a pathway called “${input.name}”: edit that one, or choose another name` });
    await adminStore.insertPathway(tx, actor.icsId, newId, values, by);
    await audit(tx, actor, 'ward.pathway-add', `Virtual ward pathway added: ${input.name}`, { pathwayId: newId, version: 1 });
    return { id: newId, version: 1 };
  }
  const seen = Number(raw.version);
  if (!Number.isInteger(seen)) throw new ValidationError({ form: 'Reload the page and try again.' });
  const saved = await adminStore.updatePathway(tx, actor.icsId, id, seen, values, by);
  if (saved === null) {
    if (!(await store.pathwayById(tx, actor.icsId, id))) throw new NotFoundError();
    throw new ConflictError('Someone saved this pathway after you opened it. Nothing of yours was saved: reload it to see their version and make your change again.');
  }
  await audit(tx, actor, 'ward.pathway-edit', `Virtual ward pathway changed: ${input.name} (version ${saved})`, { pathwayId: id, version: saved });
  return { id, version: saved };
}

const responsesShape = z.object(Object.fromEntries(RAISED_LEVELS.map((level) => [level, z.object({
  response: text(`the ${level} level’s response`, { max: 200 }),
  minutes: whole(`the ${level} level’s timer`, 1, 24 * 60, 'minutes'),
})])) as Record<(typeof RAISED_LEVELS)[number], z.ZodObject<{ response: ReturnType<typeof text>; minutes: ReturnType<typeof whole> }>>);

/**
 * The response and timer for each level. A higher level is answered at
 * least as fast as a lower one: a slower emergency than a call back would
 * be a typing slip that leaves a sick child waiting.
 */
export async function saveResponses(tx: Tx, actor: Actor, raw: unknown, seenVersion: number): Promise<WardResponses> {
  requireWardEditor(actor);
  const responses = parseWithRules(responsesShape, raw, (r) => {
    const fields: FieldErrors = {};
    RAISED_LEVELS.slice(1).forEach((level, i) => {
      const lower = RAISED_LEVELS[i];
      if (r[level].minutes > r[lower].minutes) fields[`${level}.minutes`] = `The ${level} level’s timer must be no longer than the ${lower} level’s (${r[lower].minutes} minutes)`;
    });
    return fields;
  }) as WardResponses;
  const ward = await theWardOrRefuse(tx, actor);
  if (!(await adminStore.setResponses(tx, actor.icsId, ward.id, seenVersion, responses))) throw stale('response timers');
  await adminStore.recordChange(tx, actor, ward.id, 'responses', ward.responses, responses);
  await audit(tx, actor, 'ward.timers', 'Virtual ward response timers changed', { before: ward.responses, after: responses });
  return responses;
}

const capacityShape = z.object({ capacity: whole('the ward’s capacity', 1, 500, 'children') });

/**
 * How many children the ward can care for at once: what occupancy is
 * measured against. A change counts from the day it is saved; the days
 * before keep the capacity they had (the change log says when it changed).
 */
export async function saveCapacity(tx: Tx, actor: Actor, raw: unknown, seenVersion: number): Promise<number> {
  requireWardEditor(actor);
  const { capacity } = parseInput(capacityShape, raw);
  const ward = await theWardOrRefuse(tx, actor);
  if (!(await adminStore.setCapacity(tx, actor.icsId, ward.id, seenVersion, capacity))) throw stale('capacity');
  await adminStore.recordChange(tx, actor, ward.id, 'capacity', ward.capacity, capacity);
  await audit(tx, actor, 'ward.capacity', `Virtual ward capacity changed from ${ward.capacity} to ${capacity} children`, { before: ward.capacity, after: capacity });
  return capacity;
}

/**
 * The escalation rota, first to last. Each must be an active community
 * children's nurse or paediatrician in the ICS (the roles that may
 * acknowledge on the ward) and appear once.
 */
export async function saveRota(tx: Tx, actor: Actor, people: string[], seenVersion: number): Promise<void> {
  requireWardEditor(actor);
  const chosen = people.filter((p) => p !== '');
  if (!chosen.length) throw new ValidationError({ 'rota-0': 'Choose at least one person for the rota: someone must own every escalation' });
  const fields: FieldErrors = {};
  const eligible = new Map((await adminStore.rotaCandidates(tx)).map((c) => [c.id, c]));
  people.forEach((p, i) => {
    if (p === '') return;
    if (!eligible.has(p)) fields[`rota-${i}`] = 'Choose someone from the list: an active community children’s nurse or paediatrician';
    else if (people.indexOf(p) < i) fields[`rota-${i}`] = `${eligible.get(p)!.name} is already on the rota at position ${people.indexOf(p) + 1}`;
  });
  if (Object.keys(fields).length) throw new ValidationError(fields);
  const ward = await theWardOrRefuse(tx, actor);
  const before = (await store.rota(tx, actor.icsId, ward.id)).map((r) => r.professional_id);
  if (!(await adminStore.setRota(tx, actor.icsId, ward.id, seenVersion, chosen))) throw stale('rota');
  await adminStore.recordChange(tx, actor, ward.id, 'rota', before, chosen);
  await audit(tx, actor, 'ward.rota', `Virtual ward escalation rota changed: ${chosen.map((p) => eligible.get(p)!.name).join(', ')}`, { before, after: chosen });
}

/** The ward with its rota, who may be on it, and the ward's version (the timers, rota and capacity forms send it back). */
export async function wardSettingsForm(tx: Tx, actor: Actor) {
  requireWardEditor(actor);
  const ward = await theWardOrRefuse(tx, actor);
  return { ward, rota: await store.rota(tx, actor.icsId, ward.id), candidates: await adminStore.rotaCandidates(tx), version: await adminStore.wardVersion(tx, actor.icsId, ward.id) };
}

async function theWardOrRefuse(tx: Tx, actor: Actor) {
  const ward = await store.theWard(tx, actor.icsId);
  if (!ward) throw new NotFoundError('This ICS has not set up a virtual ward yet.');
  return ward;
}

const audit = (tx: Tx, actor: Actor, action: string, what: string, details: Record<string, unknown>) =>
  recordAudit(tx, actor, { action, what, why: requireWardEditor(actor).why, details });

const stale = (what: string) => new ConflictError(`Someone changed the ward’s ${what} after you opened the page. Nothing of yours was saved: reload it to see their change and make yours again.`);
