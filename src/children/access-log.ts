import { sql, type SQL } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import type { Relationship } from '../platform/access/relationship.js';
import { checkedAccess, type ChildAccess } from '../platform/access/door.js';
import { policy } from '../platform/access/policy.js';

/**
 * "Who has accessed this record", as one viewer may see it. Audit events keep
 * everything a privacy officer needs; what others see of an event is decided
 * here, per viewer, by the rules that guard what the event is about:
 *  - an event about a record entry shows its words only if the record's own
 *    rule (RecordRules.visibleToSql) lets the viewer see that entry; otherwise the entry's
 *    kind and sensitive category;
 *  - a freeze reason shows to those the record shows it to (who may freeze);
 *  - a reason to see sensitive entries shows to those who may see all of the
 *    child's sensitive entries themselves.
 * The words never leave the database for a viewer who may not see them, so
 * the summary, the log page, its search and its CSV all show the same.
 */

export type AccessLogFilter = {
  /** Words in who did it, their organisation or what they did (as this viewer sees it). */
  words?: string;
  organisationId?: string;
  action?: string;
  /** London days, inclusive. */
  from?: string;
  to?: string;
};

export type AccessLogEntry = {
  at: string; professionalName: string | null; role: string | null; organisationName: string | null;
  action: string; what: string; why: string | null;
};

type Row = Omit<AccessLogEntry, 'what' | 'why'> & {
  what: string | null; why: string | null; entry_kind: string | null; sensitive_category: string | null;
  stated_reason: string | null; reason_withheld: boolean;
};

/**
 * The record's own rules, which the log applies to events about it: which
 * entries (as SQL on record_entry e) the viewer may see, and whether they may
 * freeze the record (and so read why it was frozen). The record stands on
 * children, so children cannot import it: the composition root (src/app.ts)
 * hands these over at start.
 */
export type RecordRules = { visibleToSql: (viewer: Actor) => SQL; mayFreeze: (viewer: Actor, relationships: Relationship[]) => boolean };
let recordRules: RecordRules | undefined;

export function readRecordWith(rules: RecordRules): void {
  recordRules = rules;
}

/** Refuses to show the log rather than guess what a viewer may see when the record's rules were not handed over. */
function record(): RecordRules {
  if (!recordRules) throw new Error("No record rules: the composition root must call readRecordWith");
  return recordRules;
}

/**
 * Reasons people typed, by the action they were given for, and who may read
 * them besides the privacy officer: a sensitive reveal's reason as an SQL
 * condition, asked in the log's own statement rather than one of its own.
 */
type ReasonReaders = { freezeReasons: boolean; sensitiveReasons: SQL | boolean; full: boolean };

function readersOf(viewer: Actor, childId: string, relationships: Relationship[]): ReasonReaders {
  const full = policy.readAuditInFull(viewer).allowed;
  if (full) return { full, freezeReasons: true, sensitiveReasons: true };
  // All of the child's sensitive entries visible by the record's rule (and at least one): the reason to see them tells nothing new.
  const sensitiveReasons = sql`(SELECT count(*) > 0 AND count(*) FILTER (WHERE NOT ${record().visibleToSql(viewer)}) = 0
    FROM record_entry e WHERE e.ics_id = ${viewer.icsId}::uuid AND e.child_id = ${childId}::uuid AND e.sensitive_category IS NOT NULL)`;
  return { full, freezeReasons: record().mayFreeze(viewer, relationships), sensitiveReasons };
}

/** The events as this viewer may see them: the words of what they may not see are null. */
function shownEvents(viewer: Actor, childId: string, readers: ReasonReaders): SQL {
  const entryShown = readers.full ? sql`true` : sql`(a.entry_id IS NULL OR (e.id IS NOT NULL AND ${record().visibleToSql(viewer)}))`;
  const yes = (b: SQL | boolean) => (typeof b === 'boolean' ? sql.raw(b ? 'true' : 'false') : b);
  const reasonShown = readers.full ? sql`true` : sql`(
    (a.action = 'record.freeze' AND ${yes(readers.freezeReasons)}) OR (a.action = 'record.reveal-sensitive' AND ${yes(readers.sensitiveReasons)}))`;
  return sql`SELECT a.id, a.at, coalesce(p.name, a.actor_name) AS "professionalName", a.role, a.organisation_id, o.name AS "organisationName", a.action,
                    CASE WHEN ${entryShown} THEN a.what END AS what, a.why,
                    e.kind AS entry_kind, coalesce(e.sensitive_category, a.sensitive_category) AS sensitive_category,
                    CASE WHEN ${reasonShown} THEN a.stated_reason END AS stated_reason,
                    a.stated_reason IS NOT NULL AND NOT ${reasonShown} AS reason_withheld
               FROM audit_event a
               LEFT JOIN professional p ON p.ics_id = a.ics_id AND p.id = a.professional_id
               LEFT JOIN organisation o ON o.ics_id = a.ics_id AND o.id = a.organisation_id
               LEFT JOIN record_entry e ON e.ics_id = a.ics_id AND e.id = a.entry_id
              WHERE a.ics_id = ${viewer.icsId}::uuid AND a.child_id = ${childId}::uuid`;
}

function filterWhere(f: AccessLogFilter): SQL {
  const parts: SQL[] = [sql`true`];
  if (f.words) {
    const like = `%${f.words.toLowerCase().replace(/[%_\\]/g, (ch) => `\\${ch}`)}%`;
    parts.push(sql`(lower(s."professionalName") LIKE ${like} OR lower(s."organisationName") LIKE ${like} OR lower(s.what) LIKE ${like})`);
  }
  if (f.organisationId) parts.push(sql`s.organisation_id = ${f.organisationId}::uuid`);
  if (f.action) parts.push(sql`s.action = ${f.action}`);
  if (f.from) parts.push(sql`(s.at AT TIME ZONE 'Europe/London')::date >= ${f.from}::date`);
  if (f.to) parts.push(sql`(s.at AT TIME ZONE 'Europe/London')::date <= ${f.to}::date`);
  return sql.join(parts, sql` AND `);
}

/** What the viewer reads of one event: a hidden entry by its kind and category, a withheld reason said to be withheld. */
function shown(r: Row): AccessLogEntry {
  // Only the kind of entry: a sensitive category such as "termination of pregnancy" says as much as the words.
  const what = r.what ?? `${r.entry_kind ?? 'entry'}: sensitive entry`;
  const reason = r.stated_reason !== null ? `reason: ${r.stated_reason}` : r.reason_withheld ? 'a reason was given (shown only to those it is for)' : null;
  const why = [r.why, reason].filter(Boolean).join('; ') || null;
  return { at: r.at, professionalName: r.professionalName, role: r.role, organisationName: r.organisationName, action: r.action, what, why };
}

/** Newest first, `limit` from `offset`; each event as the viewer (the access's actor) may see it. */
export async function accessLogFor(
  tx: Tx, access: ChildAccess, opts: { filter?: AccessLogFilter; limit: number; offset?: number },
): Promise<AccessLogEntry[]> {
  const { actor: viewer, childId, relationships } = checkedAccess(tx, access);
  const readers = readersOf(viewer, childId, relationships);
  const found = await rows<Row>(
    tx,
    sql`SELECT s.* FROM (${shownEvents(viewer, childId, readers)}) s WHERE ${filterWhere(opts.filter ?? {})}
         ORDER BY s.at DESC, s.id DESC LIMIT ${opts.limit} OFFSET ${opts.offset ?? 0}`,
  );
  return found.map(shown);
}

/** How many events match the filter, as the viewer sees them (a search never matches words they may not see). */
export async function accessLogCount(tx: Tx, access: ChildAccess, filter: AccessLogFilter): Promise<number> {
  const { actor: viewer, childId, relationships } = checkedAccess(tx, access);
  const readers = readersOf(viewer, childId, relationships);
  const [{ total }] = await rows<{ total: number }>(
    tx, sql`SELECT count(*)::int AS total FROM (${shownEvents(viewer, childId, readers)}) s WHERE ${filterWhere(filter)}`,
  );
  return total;
}

/** The organisations and actions in a child's log, for the filter's lists. */
export async function accessLogChoices(tx: Tx, access: ChildAccess) {
  const { actor, childId } = checkedAccess(tx, access);
  const organisations = await rows<{ id: string; name: string }>(
    tx,
    sql`SELECT DISTINCT o.id, o.name FROM audit_event a JOIN organisation o ON o.ics_id = a.ics_id AND o.id = a.organisation_id
         WHERE a.ics_id = ${actor.icsId}::uuid AND a.child_id = ${childId}::uuid ORDER BY o.name, o.id`,
  );
  const actions = await rows<{ action: string }>(
    tx, sql`SELECT DISTINCT action FROM audit_event WHERE ics_id = ${actor.icsId}::uuid AND child_id = ${childId}::uuid ORDER BY action`,
  );
  return { organisations, actions: actions.map((a) => a.action) };
}
