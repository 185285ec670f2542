import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { rows, type Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { recordAudit } from '../platform/audit/audit.js';
import { ForbiddenError, NotFoundError, type FieldErrors } from '../platform/http/errors.js';
import { readDateParts, type DateParts } from '../platform/time/form-dates.js';
import { hubsSeen, mayRecordFor } from './hubs-seen.js';
import { modelsPolicy } from './policy.js';
import { AREAS, CHECKLIST_FORMAT, PLACEHOLDER_ITEMS, type Area, type ChecklistItem } from './checklist-items.js';

/**
 * The integration checklist: items loaded by the ICS (the placeholder set
 * until then), scored red, amber or green for the ICS or one hub, with
 * evidence, owner and action. Scores are only added, so the history is kept;
 * where the latest scores of two people differ, that is a disagreement.
 */

export type Rating = 'red' | 'amber' | 'green';
export const RATINGS: Record<Rating, string> = { red: 'Red', amber: 'Amber', green: 'Green' };
export type Score = { id: string; itemId: string; hubId: string | null; rating: Rating; evidence: string; owner: string; action: string; scoredOn: string; by: string; byId: string };

/** The ICS's items, or the placeholder set while none are loaded. */
export async function checklistItems(tx: Tx, icsId: string): Promise<ChecklistItem[]> {
  const stored = await rows<ChecklistItem>(tx, sql`SELECT id, area, wording, placeholder, position FROM integration_checklist_item WHERE ics_id = ${icsId} ORDER BY position, id`);
  return stored.length ? stored : [...PLACEHOLDER_ITEMS];
}

/** Stores the placeholder set the first time anyone scores, so a score always points at a stored item. */
async function storeItemsIfNone(tx: Tx, icsId: string) {
  const items = await checklistItems(tx, icsId);
  if (!items.every((i) => i.placeholder)) return;
  for (const i of items) {
    await tx.execute(sql`INSERT INTO integration_checklist_item (ics_id, id, area, wording, position, placeholder)
                         VALUES (${icsId}::uuid, ${i.id}, ${i.area}, ${i.wording}, ${i.position}, true) ON CONFLICT DO NOTHING`);
  }
}

const scoresIn = (tx: Tx, icsId: string) => rows<Score>(tx, sql`
  SELECT id::text, item_id AS "itemId", cluster_id::text AS "hubId", rating, evidence, owner, action, scored_on::text AS "scoredOn",
         scored_by_name AS by, scored_by::text AS "byId"
    FROM integration_checklist_score WHERE ics_id = ${icsId} ORDER BY scored_on DESC, recorded_at DESC`);

export type ItemView = { item: ChecklistItem; latest: Score | null; disagreement: Score[]; history: Score[] };

/**
 * The checklist for the ICS (hubId null) or one hub: each item's latest score,
 * the latest score of each person where they differ, and every score before.
 */
export async function checklistView(tx: Tx, actor: Actor, asked: string | null | undefined) {
  const seen = await hubsSeen(tx, actor);
  // Unasked, the ICS as a whole for those who see it, else the first hub the actor leads.
  const hubId = asked === undefined ? (seen.whole ? null : seen.hubs[0].id) : asked;
  if (hubId === null ? !seen.whole : !seen.hubs.some((h) => h.id === hubId)) {
    throw new ForbiddenError(hubId === null ? 'Only ICS analysts and the CYP lead see the ICS’s own checklist.' : modelsPolicy.seeHub(actor, hubId, seen.led).allowed ? 'Not found' : 'You see a hub’s checklist only for a hub you lead.');
  }
  const items = await checklistItems(tx, actor.icsId);
  const scores = (await scoresIn(tx, actor.icsId)).filter((s) => s.hubId === hubId);
  const views: ItemView[] = items.map((item) => {
    const history = scores.filter((s) => s.itemId === item.id);
    const byPerson = new Map<string, Score>();
    for (const s of history) if (!byPerson.has(s.byId)) byPerson.set(s.byId, s);
    const latestEach = [...byPerson.values()];
    return { item, latest: history[0] ?? null, disagreement: new Set(latestEach.map((s) => s.rating)).size > 1 ? latestEach : [], history };
  });
  const canScore = hubId === null ? modelsPolicy.keepRegister(actor).allowed : modelsPolicy.recordForHub(actor, hubId, seen.led).allowed;
  return { hubId, items: views, hubs: seen.hubs, whole: seen.whole, canScore, canLoad: modelsPolicy.keepRegister(actor).allowed, placeholder: items.some((i) => i.placeholder) };
}

export const SCORE_FIELDS = ['rating', 'evidence', 'owner', 'action', 'scoredOn'] as const;
export type ScoreForm = { item: string; hub: string; rating: string; evidence: string; owner: string; action: string; scoredOn: DateParts };

/** Adds a score (never changes one). Each problem is named against its field; nothing is saved then. */
export async function scoreItem(tx: Tx, actor: Actor, form: ScoreForm, today: string): Promise<{ fields: FieldErrors } | { saved: true }> {
  const seen = await hubsSeen(tx, actor);
  const hubId = form.hub === '' || form.hub === 'ics' ? null : form.hub;
  const hub = hubId === null ? null : seen.hubs.find((h) => h.id === hubId);
  if (hubId !== null && !hub) throw new NotFoundError();
  const why = hubId === null ? (() => { const d = modelsPolicy.keepRegister(actor); if (!d.allowed) throw new ForbiddenError(d.reason); return d.why; })() : mayRecordFor(actor, hubId, seen.led);
  const item = (await checklistItems(tx, actor.icsId)).find((i) => i.id === form.item);
  if (!item) throw new NotFoundError();
  const fields: FieldErrors = {};
  if (!(form.rating in RATINGS)) fields.rating = 'Select red, amber or green';
  const evidence = form.evidence.trim();
  if (!evidence) fields.evidence = 'Enter the evidence for this score';
  for (const [key, label] of [['evidence', 'The evidence'], ['owner', 'The owner'], ['action', 'The action']] as const) {
    if (form[key].trim().length > 2000) fields[key] = `${label} must be 2,000 characters or fewer`;
  }
  if (form.rating !== 'green' && form.rating in RATINGS && !form.action.trim()) fields.action = 'Enter the action that will improve this, and below it the owner';
  const on = readDateParts(form.scoredOn, 'The date of the score');
  if (on.error) fields.scoredOn = on.error;
  else if (!on.iso) fields.scoredOn = 'Enter the date of the score';
  else if (on.iso > today) fields.scoredOn = 'The date of the score must be today or in the past';
  if (Object.keys(fields).length || !on.iso) return { fields };
  await storeItemsIfNone(tx, actor.icsId);
  await tx.execute(sql`INSERT INTO integration_checklist_score (ics_id, id, item_id, cluster_id, rating, evidence, owner, action, scored_on, scored_by, scored_by_name)
    VALUES (${actor.icsId}::uuid, ${crypto.randomUUID()}::uuid, ${item.id}, ${hubId}::uuid, ${form.rating}, ${evidence}, ${form.owner.trim()}, ${form.action.trim()},
            ${on.iso}::date, ${actor.professionalId}::uuid, ${actor.name})`);
  await recordAudit(tx, actor, { action: 'models.checklist-scored', what: `Integration checklist item ${item.id} scored ${form.rating} for ${hub ? hub.name : 'the ICS'}`, why, details: { item: item.id, hub: hubId } });
  return { saved: true };
}

const importShape = z.object({
  format: z.literal(CHECKLIST_FORMAT),
  version: z.literal(1),
  items: z.array(z.object({
    id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'an id is lower-case letters, numbers and hyphens').max(60),
    area: z.enum(Object.keys(AREAS) as [Area]),
    wording: z.string().trim().min(1, 'the wording is empty').max(1000),
  })).min(1).max(300),
});

/**
 * Loads the published checklist's items (JSON in CHECKLIST_FORMAT): each is
 * added, or its wording replaced; items already scored stay, so no history is
 * lost. All or nothing, every problem listed.
 */
export async function loadChecklist(tx: Tx, actor: Actor, text: string): Promise<{ errors: string[] } | { loaded: number }> {
  const keep = modelsPolicy.keepRegister(actor);
  if (!keep.allowed) throw new ForbiddenError(keep.reason);
  let raw: unknown;
  try { raw = JSON.parse(text); } catch { return { errors: ['The file is not JSON.'] }; }
  const parsed = importShape.safeParse(raw);
  if (!parsed.success) return { errors: parsed.error.issues.slice(0, 10).map((i) => `${i.path.length ? i.path.join('.') : 'the file'}: ${i.message}`) };
  const ids = parsed.data.items.map((i) => i.id);
  const twice = ids.filter((id, k) => ids.indexOf(id) !== k);
  if (twice.length) return { errors: twice.map((id) => `${id}: the id appears twice in the file`) };
  for (const [position, i] of parsed.data.items.entries()) {
    await tx.execute(sql`INSERT INTO integration_checklist_item (ics_id, id, area, wording, position, placeholder)
      VALUES (${actor.icsId}::uuid, ${i.id}, ${i.area}, ${i.wording}, ${position}, false)
      ON CONFLICT (ics_id, id) DO UPDATE SET area = EXCLUDED.area, wording = EXCLUDED.wording, position = EXCLUDED.position, placeholder = false`);
  }
  await recordAudit(tx, actor, { action: 'models.checklist-loaded', what: `Integration checklist loaded: ${ids.length} items`, why: keep.why, details: { items: ids.length } });
  return { loaded: ids.length };
}

/** The checklist and every score, as JSON for another ICS or a report. */
export async function exportChecklist(tx: Tx, actor: Actor) {
  const keep = modelsPolicy.viewRegister(actor);
  if (!keep.allowed) throw new ForbiddenError(keep.reason);
  const hubs = await hubsSeen(tx, actor);
  const name = new Map(hubs.hubs.map((h) => [h.id, h.name]));
  return {
    format: CHECKLIST_FORMAT, version: 1,
    items: (await checklistItems(tx, actor.icsId)).map(({ id, area, wording }) => ({ id, area, wording })),
    scores: (await scoresIn(tx, actor.icsId)).map((s) => ({ item: s.itemId, hub: s.hubId ? name.get(s.hubId) ?? null : null, rating: s.rating, evidence: s.evidence, owner: s.owner, action: s.action, scoredOn: s.scoredOn, by: s.by })),
  };
}
