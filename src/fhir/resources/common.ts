import type { CodeableConcept, Coding, Identifier, Meta, Patient, Reference, Resource } from '@medplum/fhirtypes';
import { SENSITIVE_CATEGORIES, type SensitiveCategory } from '../../record/index.js';
import { badRequest, unprocessable } from '../outcome.js';
import { ACT_CODE, SENSITIVE_SYSTEM } from '../codes.js';
import { linkTarget, type LinkKey } from '../links.js';
import type { Importing, Query } from './handler.js';

/** A timestamp from the database (a Date or a string) as a FHIR instant. */
export const instant = (v: string | Date): string => new Date(v).toISOString();

export const concept = (system: string | null, code: string | null, display: string): CodeableConcept =>
  code && system ? { coding: [{ system, code, display }], text: display } : { text: display };

export const patientRef = (childId: string): Reference<Patient> => ({ reference: `Patient/${childId}` });

/**
 * The code of a CodeableConcept: the first coding in one of the preferred
 * systems, else the first coding, else text alone. What it means in words is
 * required (the coding's display or the text).
 */
export function codeFrom(cc: CodeableConcept | undefined, preferred: string[], path: string): { codeSystem: string | null; code: string | null; display: string } {
  if (!cc) throw unprocessable('Give a code or text saying what this is.', path);
  const codings = cc.coding ?? [];
  const coding: Coding | undefined = codings.find((c) => c.system && preferred.includes(c.system) && c.code) ?? codings.find((c) => c.system && c.code);
  const display = (coding?.display ?? cc.text ?? '').trim();
  if (!display) throw unprocessable('Give the display of the coding, or text, saying in words what this is.', `${path}.text`);
  return { codeSystem: coding?.system ?? null, code: coding?.code ?? null, display };
}

/** A code from a fixed code system, if any coding carries one. */
export const codeIn = (cc: CodeableConcept | undefined, system: string): string | undefined =>
  cc?.coding?.find((c) => c.system === system && c.code)?.code;

/**
 * A FHIR date or dateTime as a calendar date. Joinery records whole dates, so
 * a partial date (a year, or a year and month) is refused rather than guessed.
 */
export function dateOf(value: string | undefined, path: string): string | null {
  if (value === undefined) return null;
  const m = /^(\d{4}-\d{2}-\d{2})(T.*)?$/.exec(value);
  if (!m) throw unprocessable('Give a full date (YYYY-MM-DD): Joinery does not guess the rest of a partial date.', path);
  if (Number.isNaN(Date.parse(`${m[1]}T00:00:00Z`)) || !new Date(`${m[1]}T00:00:00Z`).toISOString().startsWith(m[1])) {
    throw badRequest(`${value} is not a real date.`, path);
  }
  return m[1];
}

/** The sensitive category a sender marked a resource with (meta.security), if any. */
export function sensitiveFrom(meta: Meta | undefined): SensitiveCategory | null {
  for (const label of meta?.security ?? []) {
    if (label.system === SENSITIVE_SYSTEM && (SENSITIVE_CATEGORIES as readonly string[]).includes(label.code ?? '')) return label.code as SensitiveCategory;
    // HL7 sensitivity codes a GP system may send: sexual health and sexually transmitted disease.
    if (label.system === ACT_CODE && (label.code === 'SEX' || label.code === 'STD')) return 'sexual-health';
  }
  return null;
}

/**
 * The sender's identifier for a resource, so the same resource imported again
 * is found: its first identifier with a system and value, else its id within
 * the sender's namespace, else its urn:uuid fullUrl.
 */
export function sourceOf(i: Importing, resource: Resource & { identifier?: Identifier[] | Identifier }): { sourceSystem: string; sourceId: string } {
  const ids = [resource.identifier ?? []].flat();
  const id = ids.find((x) => x.system && x.value);
  if (id) return { sourceSystem: id.system!, sourceId: id.value! };
  if (resource.id) return { sourceSystem: i.namespace, sourceId: `${resource.resourceType}/${resource.id}` };
  if (i.fullUrl?.startsWith('urn:uuid:')) return { sourceSystem: 'urn:ietf:rfc:3986', sourceId: i.fullUrl };
  throw unprocessable(
    'Give the resource an identifier (system and value), or an id, so that importing it again finds it instead of adding a copy.',
    `${resource.resourceType}.identifier`,
  );
}

/**
 * The keys a resource is known by in the sender's systems: each identifier
 * with a system and value, then, unless our id was named (update), its id
 * within the sender's namespace.
 */
export function linkKeysOf(i: Importing, resource: { id?: string; identifier?: Identifier[] }, targetId?: string): LinkKey[] {
  const keys: LinkKey[] = (resource.identifier ?? []).filter((x) => x.system && x.value).map((x) => ({ kind: 'identifier', system: x.system!, value: x.value! }));
  if (resource.id && !targetId) keys.push({ kind: 'id', system: i.namespace, value: resource.id });
  return keys;
}

/** Our id for what is being written: `matchId` when already known, else what the first of the keys that names one links to. */
export async function linkedMatch(i: Importing, resourceType: string, keys: LinkKey[], matchId?: string): Promise<string | undefined> {
  for (const k of keys) {
    if (matchId) break;
    matchId = await linkTarget(i.tx, i.actor.icsId, resourceType, k);
  }
  return matchId;
}

export const metaOf = (version: number | string, lastUpdated: string | Date): Meta => ({ versionId: String(version), lastUpdated: instant(lastUpdated) });

export const identifierOut = (system: string | null, value: string | null): Identifier[] | undefined =>
  system && value ? [{ system, value }] : undefined;

/** One value of a search parameter that takes one (repeats and comma lists refused). */
export function single(query: Query, name: string): string | undefined {
  const values = query.get(name);
  if (!values?.length) return undefined;
  if (values.length > 1 || values[0].includes(',')) throw badRequest(`Give ${name} once, with one value.`, name);
  return values[0];
}

/** The child a `patient` (or `subject`) search parameter names: Patient/<id> or <id>. */
export function patientParam(query: Query, required = true): string | undefined {
  const value = single(query, 'patient') ?? single(query, 'subject');
  if (!value) {
    if (required) throw badRequest('Search by patient: this server searches one child’s record at a time (patient=Patient/<id>).', 'patient');
    return undefined;
  }
  const m = /^(?:Patient\/)?([0-9a-fA-F-]{36})$/.exec(value);
  if (!m) throw badRequest('patient must be Patient/<id>.', 'patient');
  return m[1].toLowerCase();
}

/** A token parameter's code (system|code or code); `system` says whether a given system is the one expected. */
export function tokenParam(query: Query, name: string, systems: string[]): string | undefined | null {
  const value = single(query, name);
  if (value === undefined) return undefined;
  const bar = value.indexOf('|');
  if (bar < 0) return value;
  const system = value.slice(0, bar);
  const code = value.slice(bar + 1);
  if (!code) throw badRequest(`Give a code after the | in ${name}.`, name);
  // A code in another system matches nothing here.
  return system === '' || systems.includes(system) ? code : null;
}

const addDays = (iso: string, days: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/**
 * A day PostgreSQL reads as a date: years 1 to 9999 (JavaScript also writes
 * year 0 and six-digit years). Checked here because a search's dates are read
 * in the door's own statement, where a value PostgreSQL refuses would fail the
 * statement before the door decides (and a refusal would go unaudited).
 */
export const readableDay = (day: string) => /^\d{4}-\d{2}-\d{2}$/.test(day) && day >= '0001-01-01';

/**
 * A date parameter as an inclusive range of days: each value is a prefix
 * (eq, ge, gt, le, lt; eq when none) and a date, year or year-month. Repeats AND.
 */
export function dateRange(query: Query, name: string): { from?: string; to?: string } {
  let from: string | undefined;
  let to: string | undefined;
  for (const raw of query.get(name) ?? []) {
    const m = /^(eq|ge|gt|le|lt)?(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?(?:T[0-9:.+\-Z]*)?$/.exec(raw);
    if (!m) throw badRequest(`${name} must be a date like ge2020-01-31, 2020-01 or 2020.`, name);
    const [, prefix = 'eq', y, mo, d] = m;
    const first = `${y}-${mo ?? '01'}-${d ?? '01'}`;
    if (Number.isNaN(Date.parse(`${first}T00:00:00Z`)) || !new Date(`${first}T00:00:00Z`).toISOString().startsWith(first)) {
      throw badRequest(`${raw} is not a real date.`, name);
    }
    const last = d ? first : mo ? addDays(`${mo === '12' ? Number(y) + 1 : y}-${mo === '12' ? '01' : String(Number(mo) + 1).padStart(2, '0')}-01`, -1) : `${y}-12-31`;
    const lower = prefix === 'gt' ? addDays(last, 1) : prefix === 'eq' || prefix === 'ge' ? first : undefined;
    const upper = prefix === 'lt' ? addDays(first, -1) : prefix === 'eq' || prefix === 'le' ? last : undefined;
    if (![first, lower, upper].every((day) => day === undefined || readableDay(day))) throw badRequest(`${raw} is outside the years 1 to 9999 this server reads.`, name);
    if (lower && (!from || lower > from)) from = lower;
    if (upper && (!to || upper < to)) to = upper;
  }
  return { from, to };
}

/**
 * Maps in sequence: a transaction is one connection, which runs one query at
 * a time (concurrent queries on it are a driver error waiting to happen).
 */
export async function inTurn<T, R>(items: T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (const item of items) out.push(await fn(item));
  return out;
}

/** One page of an answer already held in full (one child's flags, carers, plan): the page's resources and the total. */
export const pageOf = <T>(all: T[], p: { offset: number; count: number }) => ({ resources: all.slice(p.offset, p.offset + p.count), total: all.length });

/** A token parameter that must be one of a fixed set of codes (a status): anything else is refused rather than matching nothing. */
export function codeParam<T extends string>(query: Query, name: string, codes: readonly T[]): T | undefined {
  const value = single(query, name);
  if (value !== undefined && !(codes as readonly string[]).includes(value)) throw badRequest(`${name} must be one of: ${codes.join(', ')}.`, name);
  return value as T | undefined;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/**
 * A start that may be partial. A year or a year and month is kept as what
 * it says, in words ("2019", "April 2019"), with the first day of it as the
 * date the record orders and searches by; a whole date or dateTime is a day.
 */
export function startOf(value: string | undefined, path: string): { startedOn: string | null; startedAs?: string } {
  if (value === undefined) return { startedOn: null };
  const m = /^(\d{4})(?:-(\d{2}))?$/.exec(value);
  if (!m) return { startedOn: dateOf(value, path) };
  const [, year, month] = m;
  if (month && (Number(month) < 1 || Number(month) > 12)) throw badRequest(`${value} is not a real month.`, path);
  return { startedOn: `${year}-${month ?? '01'}-01`, startedAs: month ? `${MONTHS[Number(month) - 1]} ${year}` : year };
}

const AGE_UNITS: Record<string, [string, string]> = { a: ['year', 'years'], mo: ['month', 'months'], wk: ['week', 'weeks'], d: ['day', 'days'] };

/** An age (onsetAge) in words, "age 3 years": Joinery does not turn an age into a guessed date. */
export function ageWords(age: { value?: number; code?: string; unit?: string }, path: string): string {
  const unit = AGE_UNITS[age.code ?? ''] ?? Object.values(AGE_UNITS).find((u) => u.includes(age.unit ?? ''));
  if (age.value === undefined || age.value < 0 || !unit) throw unprocessable('Give the age as a number of years (a), months (mo), weeks (wk) or days (d).', path);
  return `age ${age.value} ${age.value === 1 ? unit[0] : unit[1]}`;
}
