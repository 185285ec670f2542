import { z } from 'zod';
import type { Tx } from '../platform/db/client.js';
import { databaseError } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { letterPolicy } from './policy.js';
import { recordAudit } from '../platform/audit/audit.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError, type FieldErrors } from '../platform/http/errors.js';
import { fieldErrors, text } from '../platform/http/validate.js';
import { isLetterKind, LETTER_KINDS, missingRequiredFields, renderLetter, unknownPlaceholders, type LetterKind } from './templates.js';
import * as store from './store.js';

/**
 * The ICS's wording of each letter: the overview, the editor with a preview and
 * the history, and saving a new version. Every function checks the policy
 * itself (the routes check it too); each save is audited in its transaction.
 */

export function requireEditor(actor: Actor): string {
  const decision = letterPolicy.editTemplates(actor);
  if (!decision.allowed) throw new ForbiddenError(decision.reason);
  return decision.why;
}

/** A kind from the URL; anything else is a page that does not exist. */
export function kindParam(params: unknown): LetterKind {
  const kind = (params as Record<string, unknown> | undefined)?.kind;
  if (typeof kind !== 'string' || !isLetterKind(kind)) throw new NotFoundError();
  return kind;
}

export function versionParam(params: unknown): number {
  const n = (params as Record<string, unknown> | undefined)?.n;
  if (typeof n !== 'string' || !/^\d{1,6}$/.test(n)) throw new NotFoundError();
  return Number(n);
}

type FieldName = { [K in LetterKind]: keyof (typeof LETTER_KINDS)[K]['fields'] }[LetterKind];

/** Made-up details for previews, plainly not a real child; the type makes every field of every letter have one. */
export const SAMPLE_VALUES: Record<FieldName, string> = {
  child: 'Sample Child', born: '1 January 2020', nhsNumber: '999 000 0000', hub: 'Example Child Health Hub', urgency: 'routine',
  reason: 'Example reason for referral.\nA second example paragraph.', question: 'Example question for the hub?', tried: 'Example of what has been tried.',
  referrer: 'Dr Example GP', practice: 'Example Surgery', date: '2 February 2026', advice: 'Example advice and management plan.',
  selfCare: 'Example self-care advice for the family.', paediatrician: 'Dr Example Paediatrician', clinicDate: '3 March 2026', venue: 'Example Surgery',
  seenBy: 'Dr Example Paediatrician', plan: 'Example plan agreed.', next: 'Example of what happens next.', copiedTo: 'Example Health Visitor', clinician: 'Dr Example Paediatrician',
  meetingDate: '4 April 2026', broughtBy: 'Dr Example GP', discussion: 'Example of what the team talked about.', decisions: 'Example of what the team decided.',
  actions: 'Example first action. Who: Example Health Visitor. By 1 May 2026.\nExample second action. Who: Example School. By 8 May 2026.', chair: 'Dr Example Paediatrician',
  pathway: 'Example pathway', referredBy: 'Dr Example GP on 5 May 2026', stay: 'from 5 May 2026 to 8 May 2026', escalations: 'one, medium',
  lastObservations: 'Last observations 09:00 on 8 May 2026: PEWS 0 (example chart).', outcome: 'Recovered at home', summary: 'Example summary of the stay and follow-up.',
  adviceSent: 'Example advice page (version 1, 0 to 12 months)', team: 'Example Community Children’s Nursing Team',
};

export const preview = (wording: { title: string; body: string }) => renderLetter(wording, SAMPLE_VALUES);

/** "{{child}} — the child’s name", for each field of a kind, and whether every letter must have it. */
export const fieldList = (kind: LetterKind) => Object.entries(LETTER_KINDS[kind].fields)
  .map(([field, meaning]) => ({ placeholder: `{{${field}}}`, meaning, required: (LETTER_KINDS[kind].required as readonly string[]).includes(field) }));

// Browsers send a textarea's line breaks as CRLF; stored as LF so an unchanged form compares equal.
const lf = (v: unknown) => (typeof v === 'string' ? v.replace(/\r\n?/g, '\n') : v);

const templateForm = z.object({
  title: text('the title'),
  body: z.preprocess(lf, text('the letter text', { max: 10_000, multiline: true })),
  // The version the form was opened at; a missing or odd one can never match, so it reads as a conflict.
  version: z.coerce.number().int().min(0).catch(-1),
});
export type TemplateInput = z.infer<typeof templateForm>;

/** The version a form (the reset button's, say) was opened at. */
export const formVersion = (body: unknown) => templateForm.shape.version.parse((body as Record<string, unknown> | undefined)?.version);

const BRACED = /\{\{([^{}]*)\}\}/g;
const joined = (items: string[]) => (items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`);

/** What is wrong with the placeholders of one field's text, if anything. */
function placeholderError(kind: LetterKind, value: string): string | undefined {
  // unknownPlaceholders sees only {{letters}}; anything else in double braces would be sent exactly as typed.
  const odd = [...value.matchAll(BRACED)].filter((m) => !/^\s*[A-Za-z]+\s*$/.test(m[1])).map((m) => m[0]);
  const unknown = [...new Set([...unknownPlaceholders(kind, value).map((f) => `{{${f}}}`), ...odd])];
  if (unknown.length) return `${joined(unknown)} ${unknown.length === 1 ? 'is not a field' : 'are not fields'} of this letter`;
  if (/\{\{|\}\}/.test(value.replace(BRACED, ''))) return 'Put each field in double braces, like {{child}}';
  return undefined;
}

/** Which required fields the wording leaves out, named with what each holds, e.g. "{{advice}} (the paediatrician’s advice and plan)". */
function missingFieldsError(kind: LetterKind, wording: string): string | undefined {
  const fields = LETTER_KINDS[kind].fields as Record<string, string>;
  const missing = missingRequiredFields(kind, wording).map((f) => `{{${f}}} (${fields[f]})`);
  if (!missing.length) return undefined;
  return `The letter must include ${joined(missing)}, or ${missing.length === 1 ? 'it' : 'they'} would be left out of every letter`;
}

/** The form as saved, or a ValidationError naming every problem at once (placeholders too, whatever else is wrong). */
export function parseTemplateForm(kind: LetterKind, body: unknown): TemplateInput {
  const parsed = templateForm.safeParse(body ?? {});
  const fields: FieldErrors = parsed.success ? {} : fieldErrors(parsed.error);
  const raw = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  for (const key of ['title', 'body'] as const) {
    const value = raw[key];
    const error = !fields[key] && typeof value === 'string' ? placeholderError(kind, value) : undefined;
    if (error) fields[key] = error;
  }
  if (!fields.body) {
    const typed = (v: unknown) => (typeof v === 'string' ? v : '');
    const error = missingFieldsError(kind, `${typed(raw.title)}\n${typed(raw.body)}`);
    if (error) fields.body = error;
  }
  if (!parsed.success || Object.keys(fields).length) throw new ValidationError(fields);
  return parsed.data;
}

export async function overview(tx: Tx, actor: Actor) {
  requireEditor(actor);
  const list = [];
  for (const kind of Object.keys(LETTER_KINDS) as LetterKind[]) list.push({ ...(await store.currentTemplate(tx, actor.icsId, kind)), name: LETTER_KINDS[kind].name });
  return list;
}

/** The wording in use and every earlier version, the shipped default last. */
export async function templateWithHistory(tx: Tx, actor: Actor, kind: LetterKind) {
  requireEditor(actor);
  const history = [...(await store.savedVersions(tx, actor.icsId, kind)), store.shippedTemplate(kind)];
  return { current: history[0], history };
}

/** One version, and whether it is the wording in use. */
export async function templateVersion(tx: Tx, actor: Actor, kind: LetterKind, version: number) {
  requireEditor(actor);
  const found = await store.templateVersion(tx, actor.icsId, kind, version);
  if (!found) throw new NotFoundError();
  return { version: found, inUse: found.version === (await store.currentTemplate(tx, actor.icsId, kind)).version };
}

const conflict = (current: store.TemplateRow) =>
  new ConflictError(`${current.changed_by_name ?? 'Someone'} saved version ${current.version} of this letter while you were editing it. Nothing has been saved.`);

/**
 * Saves the wording as a new version, if the form was opened at the version
 * still in use. Returns the new version, or null when nothing changed.
 */
export async function saveTemplate(tx: Tx, actor: Actor, kind: LetterKind, input: TemplateInput, reset = false): Promise<number | null> {
  const why = requireEditor(actor);
  const current = await store.currentTemplate(tx, actor.icsId, kind);
  if (input.version !== current.version) throw conflict(current);
  if (input.title === current.title && input.body === current.body) return null;
  const version = current.version + 1;
  try {
    await store.insertVersion(tx, actor, kind, version, input);
  } catch (e) {
    // Someone saved the same version number since the read above.
    if (databaseError(e).code === '23505') throw conflict({ ...current, changed_by_name: null, version });
    throw e;
  }
  await recordAudit(tx, actor, {
    action: 'letter-template.save',
    what: `Letter template ${reset ? 'reset to the shipped wording' : 'saved'}: ${LETTER_KINDS[kind].name}, version ${version}`,
    why,
    details: { kind, version, reset },
  });
  return version;
}

/** Back to the shipped wording, saved as a new version so the history keeps what was there. */
export function resetTemplate(tx: Tx, actor: Actor, kind: LetterKind, openedAt: number): Promise<number | null> {
  const { title, body } = store.shippedTemplate(kind);
  return saveTemplate(tx, actor, kind, { title, body, version: openedAt }, true);
}

/** The ICS's current wording of a kind of letter, for the capabilities that send one. */
export const currentTemplate = (tx: Tx, icsId: string, kind: LetterKind) => store.currentTemplate(tx, icsId, kind);

/** The wording Joinery ships for a kind, for letters written where no ICS's wording is read (the generator's). */
export const shippedWording = (kind: LetterKind) => store.shippedTemplate(kind);

export { renderLetter, type LetterValues } from './templates.js';
