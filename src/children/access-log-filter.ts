import type { FieldErrors } from '../platform/http/errors.js';
import { listHref } from '../platform/http/paging.js';
import { readDateRange, type DateParts } from '../platform/time/form-dates.js';
import type { AccessLogFilter } from './access-log.js';

/**
 * The access log's filter, from the page's query string: a GET form, so it
 * works without JavaScript, a filtered page can be bookmarked, and its CSV
 * link carries the same filter.
 */

export const ACCESS_LOG_PAGE_SIZE = 50;
/** The CSV holds at most this many events: narrow the dates for more. */
export const ACCESS_LOG_CSV_LIMIT = 10_000;

export type AccessLogValues = { q: string; organisation: string; action: string; from: DateParts; to: DateParts };
export type AccessLogQuery = { values: AccessLogValues; fields: FieldErrors; page: number; filter: AccessLogFilter };

type Query = Record<string, unknown>;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ACTION = /^[a-z-]+\.[a-z-]+$/;

const one = (q: Query, key: string): string => {
  const v = [q[key]].flat()[0];
  return typeof v === 'string' ? v.trim() : '';
};

export function readAccessLogQuery(q: Query): AccessLogQuery {
  const fields: FieldErrors = {};
  const parts = (name: string): DateParts => ({ day: one(q, `${name}-day`), month: one(q, `${name}-month`), year: one(q, `${name}-year`) });
  const values: AccessLogValues = { q: one(q, 'q'), organisation: one(q, 'organisation'), action: one(q, 'action'), from: parts('from'), to: parts('to') };
  if (values.q.length > 100) fields.q = 'Search words must be 100 characters or fewer';
  if (values.organisation && !UUID.test(values.organisation)) fields.organisation = 'Select an organisation from the list';
  if (values.action && !ACTION.test(values.action)) fields.action = 'Select an action from the list';
  const range = readDateRange(values.from, values.to);
  Object.assign(fields, range.errors);
  const pageText = one(q, 'page');
  const page = /^\d{1,6}$/.test(pageText) ? Math.max(Number(pageText), 1) : 1;
  const ok = (key: string) => !fields[key];
  return {
    values,
    fields,
    page,
    filter: {
      words: ok('q') && values.q ? values.q : undefined,
      organisationId: ok('organisation') && values.organisation ? values.organisation : undefined,
      action: ok('action') && values.action ? values.action : undefined,
      from: range.from,
      to: range.to,
    },
  };
}

/** A link to the log (or its CSV) with the same filter, dropping empty fields; `more`: a wider log's own fields. */
export function accessLogHref(path: string, v: AccessLogValues, page?: number, more: Record<string, string> = {}): string {
  const date = (name: string, d: DateParts) => ({ [`${name}-day`]: d.day, [`${name}-month`]: d.month, [`${name}-year`]: d.year });
  return listHref(path, { q: v.q, organisation: v.organisation, action: v.action, ...date('from', v.from), ...date('to', v.to), ...more, page });
}

const AREAS: Record<string, string> = {
  child: 'Child', record: 'Shared record', careplan: 'Care plan', 'care-team': 'Care team', referral: 'Referral or advice',
  clinic: 'Clinic', mdt: 'MDT meeting', task: 'Action', privacy: 'Privacy officer', fhir: 'Another system', letter: 'Letter',
  worklist: 'Worklist',
};

/** An action code in words for the filter's list, e.g. record.reveal-sensitive → "Shared record: reveal sensitive". */
export function actionLabel(action: string): string {
  const [area, verb = ''] = action.split('.');
  return `${AREAS[area] ?? area}: ${verb.replace(/-/g, ' ')}`;
}
