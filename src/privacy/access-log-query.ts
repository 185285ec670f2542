import { accessLogHref, readAccessLogQuery, type AccessLogValues } from '../children/index.js';
import { isValidNhsNumber, normaliseNhsNumber } from '../platform/identity/nhs-number.js';
import type { FieldErrors } from '../platform/http/errors.js';
import type { IcsAccessLogFilter } from './access-log-store.js';

/**
 * The ICS access log's filter, from its GET form: a child's log's filter
 * (words, organisation, action, dates) and, across the ICS, the child's NHS
 * number and "emergency access only".
 */
export type IcsAccessLogValues = AccessLogValues & { nhs: string; emergency: boolean };
export type IcsAccessLogQuery = { values: IcsAccessLogValues; fields: FieldErrors; page: number; filter: IcsAccessLogFilter };

/** The order the error summary lists the fields in: the form's order. */
export const ICS_ACCESS_LOG_FIELDS = ['q', 'nhs', 'organisation', 'action', 'from', 'to'];

const one = (q: Record<string, unknown>, key: string): string => {
  const v = [q[key]].flat()[0];
  return typeof v === 'string' ? v.trim() : '';
};

export function readIcsAccessLogQuery(q: Record<string, unknown>): IcsAccessLogQuery {
  const base = readAccessLogQuery(q);
  const fields: FieldErrors = { ...base.fields };
  const nhs = one(q, 'nhs').slice(0, 30);
  const nhsNumber = nhs && isValidNhsNumber(nhs) ? normaliseNhsNumber(nhs) : undefined;
  if (nhs && !nhsNumber) fields.nhs = 'Enter a 10-digit NHS number, like 999 123 4560';
  const emergency = one(q, 'emergency') === 'yes';
  return {
    values: { ...base.values, nhs, emergency },
    fields,
    page: base.page,
    filter: { ...base.filter, nhsNumber, emergencyOnly: emergency },
  };
}

/** A link to the log with the same filter (another page of it, say). */
export const icsAccessLogHref = (path: string, v: IcsAccessLogValues, page?: number) =>
  accessLogHref(path, v, page, { nhs: v.nhs, emergency: v.emergency ? 'yes' : '' });
