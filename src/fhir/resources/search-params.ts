import { badRequest } from '../outcome.js';
import { dateRange, readableDay } from './common.js';
import type { Query } from './handler.js';

/**
 * Search parameter readers beyond common.ts's single values: comma-OR token
 * lists, `_lastUpdated` as bounds on an instant, and the keys a `_cursor`
 * carries, checked before they reach SQL.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * A token parameter's codes: repeats AND (so only one given is allowed
 * here), commas within it OR. Each is system|code or a code; a code in
 * another system matches nothing. Undefined when not given; an empty list
 * when nothing can match.
 */
export function tokenList(query: Query, name: string, systems: string[]): string[] | undefined {
  const values = query.get(name);
  if (!values?.length) return undefined;
  if (values.length > 1) throw badRequest(`Give ${name} once; list alternatives with commas.`, name);
  return values[0].split(',').flatMap((token) => {
    const bar = token.indexOf('|');
    if (bar < 0) {
      if (!token) throw badRequest(`${name} has an empty value between commas.`, name);
      return [token];
    }
    const code = token.slice(bar + 1);
    if (!code) throw badRequest(`Give a code after the | in ${name}.`, name);
    const system = token.slice(0, bar);
    return system === '' || systems.includes(system) ? [code] : [];
  });
}

/** `_id` values (comma-OR) as Joinery's ids: anything that is not one matches nothing. */
export function idList(query: Query): string[] | undefined {
  const ids = tokenList(query, '_id', ['']);
  return ids?.map((id) => id.toLowerCase()).filter((id) => UUID.test(id));
}

export type InstantBound = { op: '>=' | '>' | '<=' | '<'; at: string };

const DAY = 86_400_000;

/**
 * `_lastUpdated` (or another instant): each value a prefix (eq, ge, gt, le,
 * lt) and a dateTime with its zone, or a day, month or year (whole UTC days).
 */
export function instantBounds(query: Query, name: string): InstantBound[] {
  return (query.get(name) ?? []).flatMap((raw): InstantBound[] => {
    const timed = /^(eq|ge|gt|le|lt)?(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2}))$/.exec(raw);
    if (timed) {
      const at = Date.parse(timed[2]);
      if (Number.isNaN(at)) throw badRequest(`${raw} is not a real time.`, name);
      // As PostgreSQL reads a time: years 1 to 9999, offsets of up to 15:59 either way.
      if (!readableDay(timed[2].slice(0, 10)) || !/(Z|[+-](0\d|1[0-5]):[0-5]\d)$/.test(timed[2])) throw badRequest(`${raw} is outside the times this server reads.`, name);
      const iso = timed[2];
      switch (timed[1] ?? 'eq') {
        case 'ge': return [{ op: '>=', at: iso }];
        case 'gt': return [{ op: '>', at: iso }];
        case 'le': return [{ op: '<=', at: iso }];
        case 'lt': return [{ op: '<', at: iso }];
        default: return [{ op: '>=', at: iso }, { op: '<=', at: iso }];
      }
    }
    // A day, month or year: the whole of it, as dateRange reads a date parameter.
    const { from, to } = dateRange(new Map([[name, [raw]]]), name);
    const start = from ? `${from}T00:00:00Z` : undefined;
    const end = to ? new Date(Date.parse(`${to}T00:00:00Z`) + DAY).toISOString() : undefined;
    return [...(start ? [{ op: '>=' as const, at: start }] : []), ...(end ? [{ op: '<' as const, at: end }] : [])];
  });
}

const notOurs = () => badRequest('_cursor is not one this server gave: follow the Bundle’s next link as it is.', '_cursor');

/** The day a key's text starts with, when it is a real one. */
function realDayOf(value: string | undefined): string | undefined {
  const day = /^\d{4}-\d{2}-\d{2}/.exec(value ?? '')?.[0];
  return day && readableDay(day) && new Date(Date.parse(`${day}T00:00:00Z`) || 0).toISOString().startsWith(day) ? day : undefined;
}

/** A timestamptz as PostgreSQL writes it as text (how a page key carries one). */
const isTimestampText = (value: string | undefined) =>
  !!realDayOf(value) && /^\d{4}-\d{2}-\d{2} ([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,6})?[+-](0\d|1[0-5])(:[0-5]\d)?$/.test(value!);

/** The key of an entry page's last row, as entry-keyset.ts gave it: its sort value as text, and its id. */
export function entryCursor(after: string[] | undefined, sort: string): [string, string] | undefined {
  if (!after) return undefined;
  const [value, id] = after;
  const valueOk = sort.endsWith('date') ? value === '-infinity' || (!!realDayOf(value) && value === realDayOf(value)) : isTimestampText(value);
  if (after.length !== 2 || !valueOk || !UUID.test(id ?? '')) throw notOurs();
  return [value, id];
}

/** The key of an AuditEvent page's last row: when it happened (as text) and its number. */
export function auditCursor(after: string[] | undefined): [string, string] | undefined {
  if (!after) return undefined;
  if (after.length !== 2 || !isTimestampText(after[0]) || !/^\d{1,18}$/.test(after[1] ?? '')) throw notOurs();
  return [after[0], after[1]];
}

/** The key of an Organization or Practitioner page's last row: its name and id. */
export function nameKey(after: string[] | undefined): [string, string] | undefined {
  if (!after) return undefined;
  if (after.length !== 2 || !UUID.test(after[1] ?? '')) throw notOurs();
  return [after[0], after[1]];
}
