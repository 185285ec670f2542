import { z } from 'zod';
import type { Tx } from '../platform/db/client.js';
import { databaseError } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { recordAudit } from '../platform/audit/audit.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../platform/http/errors.js';
import { readJson } from '../platform/data-files.js';
import { addMonths } from '../platform/time/form-dates.js';
import { advicePolicy } from './policy.js';
import { ageBandShape, libraryShape, pageShape, reasons, type AdvicePage, type Library } from './page-format.js';
import { readability } from './reading-age.js';
import * as store from './store.js';

/**
 * The ICS's advice library: every page's versions, the editor's saves and
 * approvals, and import and export as JSON. A save is a draft until approved;
 * families are sent the latest approved version, and never one past its
 * review date (H035).
 */

export function requireEditor(actor: Actor): string {
  const decision = advicePolicy.editLibrary(actor);
  if (!decision.allowed) throw new ForbiddenError(decision.reason);
  return decision.why;
}

export function pageIdParam(params: unknown): string {
  const id = (params as Record<string, unknown> | undefined)?.pageId;
  if (typeof id !== 'string' || !/^[a-z0-9][a-z0-9-]{0,59}$/.test(id)) throw new NotFoundError();
  return id;
}

/** Pages whose review falls within this many days are listed as due. */
export const DUE_SOON_DAYS = 30;

export type PageStatus = 'draft' | 'approved' | 'due-soon' | 'past-review';

export const STATUS_WORDS: Record<PageStatus, string> = {
  draft: 'Draft: not approved', approved: 'Approved', 'due-soon': 'Review due soon', 'past-review': 'Past its review date: cannot be sent',
};

/** Whether an approved version may be sent today: approved, and its review date not passed. */
export const inDate = (row: { review_by: string | null }, today: string) => row.review_by !== null && row.review_by >= today;

export function statusOf(row: { approved_by: string | null; review_by: string | null }, today: string): PageStatus {
  if (!row.approved_by || !row.review_by) return 'draft';
  if (row.review_by < today) return 'past-review';
  const soon = new Date(`${today}T00:00:00Z`);
  soon.setUTCDate(soon.getUTCDate() + DUE_SOON_DAYS);
  return row.review_by <= soon.toISOString().slice(0, 10) ? 'due-soon' : 'approved';
}

/** Everything a family reads on a page, one sentence a line, for the reading age. */
export function pageText(page: Pick<AdvicePage, 'ageBands'>): string {
  return page.ageBands.flatMap((b) => [...b.red, ...b.amber, ...b.green, ...b.atHome, b.whatToExpect, b.seekHelpAgain]).filter(Boolean).join('\n');
}

/** A stored version in the import and export format. */
export function asPage(row: store.PageVersionRow): AdvicePage {
  return {
    id: row.page_id, title: row.title, condition: row.condition, version: row.version, author: row.author,
    approvedBy: row.approved_by, approvedOn: row.approved_on, reviewBy: row.review_by, demonstration: row.demonstration,
    // Parsed again only to put each band's fields back in the format's order: jsonb keeps its own.
    ageBands: row.age_bands.map((b) => ageBandShape.parse(b)), sources: row.sources,
  };
}

/** JSON with every object's keys in order: the database's jsonb keeps keys in an order of its own. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The same wording, bands and approval, whatever the version number. */
const sameContent = (a: AdvicePage, b: AdvicePage) => canonical({ ...a, version: 0 }) === canonical({ ...b, version: 0 });

export async function overview(tx: Tx, actor: Actor, today: string) {
  requireEditor(actor);
  const target = await store.targetReadingAge(tx, actor.icsId);
  const pages = (await store.latestVersions(tx, actor.icsId)).map((row) => {
    const approved = row.approved_by !== null;
    return { ...row, status: statusOf(row, today), readingAge: readability(pageText(asPage(row))).readingAge, approved };
  });
  return { pages, target, due: pages.filter((p) => p.status === 'past-review' || p.status === 'due-soon') };
}

/** A page's latest version, the latest approved one, and every version. */
export async function pageWithHistory(tx: Tx, actor: Actor, pageId: string, today: string) {
  requireEditor(actor);
  const mayApprove = advicePolicy.approvePage(actor).allowed;
  const history = await store.versionsOf(tx, actor.icsId, pageId);
  if (!history.length) throw new NotFoundError();
  const current = history[0];
  const target = await store.targetReadingAge(tx, actor.icsId);
  return { current, page: asPage(current), history, status: statusOf(current, today), target, readability: readability(pageText(asPage(current))), mayApprove };
}

export async function versionOf(tx: Tx, actor: Actor, pageId: string, version: number) {
  requireEditor(actor);
  const row = await store.pageVersion(tx, actor.icsId, pageId, version);
  if (!row) throw new NotFoundError();
  return row;
}

const conflict = (pageId: string) => new ConflictError(`Someone saved a newer version of ${pageId} while you were editing it. Nothing has been saved.`);

async function insert(tx: Tx, icsId: string, page: AdvicePage, version: number, savedBy: { id: string | null; name: string }, pageId: string) {
  try {
    await store.insertVersion(tx, icsId, page, version, savedBy);
  } catch (e) {
    if (databaseError(e).code === '23505') throw conflict(pageId);
    throw e;
  }
}

/**
 * Saves an edit as a new draft version (a new page when `openedAt` is 0), if
 * the form was opened at the version still latest. The approval is cleared:
 * the edited wording is not what the clinician approved. Returns the new
 * version, or null when nothing changed.
 */
export async function savePage(tx: Tx, actor: Actor, input: unknown, openedAt: number): Promise<number | null> {
  const why = requireEditor(actor);
  const parsed = pageShape.safeParse(input);
  if (!parsed.success) throw new ValidationError(Object.fromEntries(parsed.error.issues.map((i) => [i.path.join('.') || 'form', i.message]).reverse()));
  const draft: AdvicePage = { ...parsed.data, approvedBy: null, approvedOn: null, reviewBy: null };
  const latest = (await store.versionsOf(tx, actor.icsId, draft.id))[0];
  if ((latest?.version ?? 0) !== openedAt) throw conflict(draft.id);
  if (latest && sameContent(asPage(latest), draft)) return null;
  const version = openedAt + 1;
  await insert(tx, actor.icsId, draft, version, { id: actor.professionalId, name: actor.name }, draft.id);
  await recordAudit(tx, actor, { action: 'advice-page.save', what: `Advice page saved as a draft: ${draft.title}, version ${version}`, why, details: { pageId: draft.id, version } });
  return version;
}

const approval = z.object({
  reviewBy: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v)),
});

/**
 * Approves the latest version as it stands: a new version with the approver,
 * today's date and the review date, no longer marked as demonstration content. Refused when someone saved since the page
 * was opened, or when the review date is not after today.
 */
export async function approvePage(tx: Tx, actor: Actor, pageId: string, openedAt: number, input: { reviewBy: string | null }, today: string): Promise<number> {
  const decision = advicePolicy.approvePage(actor);
  if (!decision.allowed) throw new ForbiddenError(decision.reason);
  const { why } = decision;
  const latest = (await store.versionsOf(tx, actor.icsId, pageId))[0];
  if (!latest) throw new NotFoundError();
  if (latest.version !== openedAt) throw conflict(pageId);
  const parsed = approval.safeParse(input);
  if (!parsed.success) throw new ValidationError({ reviewBy: 'Enter a real review date' });
  const { reviewBy } = parsed.data;
  if (reviewBy <= today) throw new ValidationError({ reviewBy: 'The review date must be after today' });
  if (reviewBy > addMonths(today, 36)) throw new ValidationError({ reviewBy: 'The review date must be within 3 years' });
  // Approved by the ICS's own clinical lead, a starter page is the ICS's page: families are no longer told it is demonstration content.
  const page: AdvicePage = { ...asPage(latest), demonstration: false, approvedBy: actor.name, approvedOn: today, reviewBy };
  const version = latest.version + 1;
  await insert(tx, actor.icsId, page, version, { id: actor.professionalId, name: actor.name }, pageId);
  await recordAudit(tx, actor, {
    action: 'advice-page.approve', what: `Advice page approved: ${page.title}, version ${version}, review by ${reviewBy}`, why, details: { pageId, version, reviewBy },
  });
  return version;
}

export async function setTarget(tx: Tx, actor: Actor, input: unknown): Promise<void> {
  const why = requireEditor(actor);
  const parsed = z.coerce.number().int().min(6).max(18).safeParse((input as Record<string, unknown> | undefined)?.target);
  if (!parsed.success) throw new ValidationError({ target: 'Enter a reading age from 6 to 18' });
  await store.setTargetReadingAge(tx, actor.icsId, parsed.data);
  await recordAudit(tx, actor, { action: 'advice-library.target', what: `Reading age target for advice pages set to ${parsed.data}`, why });
}

/** The library as JSON for another ICS or region: the latest version of each page. */
export async function exportLibrary(tx: Tx, icsId: string): Promise<Library> {
  return { pages: (await store.latestVersions(tx, icsId)).map(asPage) };
}

/** A file that will not do, with every reason (page, field and why), before anything is written. */
export class LibraryFileError extends Error {
  constructor(readonly reasons: string[]) {
    super(reasons.join('\n'));
  }
}

/** Checks a whole library file; every reason at once. */
export function parseLibrary(json: unknown): Library {
  const parsed = libraryShape.safeParse(json);
  if (!parsed.success) throw new LibraryFileError(reasons(parsed.error, json));
  return parsed.data;
}

export type ImportSummary = { saved: { id: string; version: number }[]; unchanged: string[] };

/**
 * Loads a library: each page that differs from the ICS's latest version is
 * saved as its next version (the file's own version number is the sender's,
 * not ours); an identical one is left alone. All in the caller's transaction,
 * so a refused file changes nothing.
 */
export async function importLibrary(tx: Tx, icsId: string, json: unknown, savedBy: { id: string | null; name: string }): Promise<ImportSummary> {
  const library = parseLibrary(json);
  const summary: ImportSummary = { saved: [], unchanged: [] };
  for (const page of library.pages) {
    const latest = (await store.versionsOf(tx, icsId, page.id))[0];
    if (latest && sameContent(asPage(latest), page)) {
      summary.unchanged.push(page.id);
      continue;
    }
    const version = (latest?.version ?? 0) + 1;
    await insert(tx, icsId, page, version, savedBy, page.id);
    summary.saved.push({ id: page.id, version });
  }
  return summary;
}

export const STARTER_LIBRARY_FILE = 'advice-library.json';

/** The demonstration library every new demo ICS starts with (data/advice-library.json). */
export function loadStarterLibrary(tx: Tx, icsId: string): Promise<ImportSummary> {
  return importLibrary(tx, icsId, readJson(STARTER_LIBRARY_FILE), { id: null, name: 'Joinery starter library' });
}
