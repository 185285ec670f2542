import type { Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { ValidationError } from '../platform/http/errors.js';
import { listEntries, type EntryRow } from '../record/service.js';
import { detailLines, KIND_NOUNS, SENSITIVE_LABELS } from '../record/index.js';
import * as store from './store.js';

/** How many of the child's latest record entries the form offers to attach. */
const ATTACHABLE = 25;

const latestFirst = (a: EntryRow, b: EntryRow) =>
  (b.started_on ?? '').localeCompare(a.started_on ?? '') || String(b.recorded_at).localeCompare(String(a.recorded_at)) || a.id.localeCompare(b.id);

/**
 * The child's most recent record entries the actor may see, to tick and send
 * with the question. Read through the record's service, which checks access
 * and audits the read.
 */
export async function attachableEntries(tx: Tx, actor: Actor, childId: string): Promise<EntryRow[]> {
  const { entries } = await listEntries(tx, actor, childId, { limit: 500 });
  return [...entries].sort(latestFirst).slice(0, ATTACHABLE);
}

/**
 * An entry as the paediatrician reads it with the referral: what, since when,
 * its status, and what the record shows under it (an observation's value, a
 * reaction), so an attached weight says what the weight was.
 */
export function describeEntry(e: Pick<EntryRow, 'kind' | 'display' | 'started_on' | 'status' | 'details'>): string {
  const kind = KIND_NOUNS[e.kind].one;
  const what = `${kind.charAt(0).toUpperCase()}${kind.slice(1)}: ${e.display}${e.started_on ? `, from ${e.started_on}` : ''} (${e.status})`;
  return [what, ...detailLines(e)].join('. ');
}

/**
 * Copies the chosen entries into the referral as they are now, each keeping
 * its sensitive marking and recording team; an id not among the child's
 * visible entries is refused.
 */
export async function attachEntries(tx: Tx, actor: Actor, referralId: string, childId: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const { entries } = await listEntries(tx, actor, childId, { limit: 500 });
  const byId = new Map(entries.map((e) => [e.id, e]));
  const chosen = [...new Set(ids.map((id) => id.toLowerCase()))].map((id) => byId.get(id));
  if (chosen.some((e) => !e)) throw new ValidationError({ attachments: 'Choose entries from this child’s record in the list' });
  for (const e of chosen as EntryRow[]) {
    await store.addExtract(tx, actor, referralId, {
      entryId: e.id, body: describeEntry(e), sensitiveCategory: e.sensitive_category, recordingOrganisationId: e.recording_organisation_id,
    });
  }
}

export type ExtractView = { body: string | null; sensitive: string | null };

/**
 * The extracts as this reader may see them, by the record's rules: a
 * sensitive one they may not yet see shows only its category, with the way
 * to give a reason, to those who may reveal sensitive entries; to anyone
 * else it is not there at all.
 */
export function extractsAsSeen(extracts: store.ExtractRow[], mayReveal: boolean): ExtractView[] {
  return extracts
    .filter((e) => e.body !== null || mayReveal)
    .map((e) => ({ body: e.body, sensitive: e.sensitive_category ? SENSITIVE_LABELS[e.sensitive_category] : null }));
}
