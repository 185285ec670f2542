import type { OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../platform/http/errors.js';
import { databaseError, FROZEN_RECORD_SQLSTATE } from '../platform/db/client.js';

export type IssueCode = OperationOutcomeIssue['code'];
export type Issue = { severity: 'fatal' | 'error' | 'warning' | 'information'; code: IssueCode; text: string; expression?: string };

/** Something the FHIR interface refuses: the HTTP status and the issues an OperationOutcome reports. */
export class FhirError extends Error {
  constructor(readonly status: number, readonly issues: Issue[]) {
    super(issues.map((i) => i.text).join('; '));
  }
}

const error = (status: number, code: IssueCode) => (text: string, expression?: string) =>
  new FhirError(status, [{ severity: 'error', code, text, ...(expression ? { expression } : {}) }]);

/** Malformed: the request cannot be read as FHIR (400). */
export const badRequest = error(400, 'invalid');
/** Well-formed but breaks a rule: a date in the future, an unknown code, someone out of scope (422). */
export const unprocessable = error(422, 'business-rule');
export const notFound = (text = 'Resource not found') => error(404, 'not-found')(text);
export const notSupported = error(400, 'not-supported');

export function operationOutcome(issues: Issue[]): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: issues.map((i) => ({
      severity: i.severity,
      code: i.code,
      details: { text: i.text },
      ...(i.expression ? { expression: [i.expression] } : {}),
    })),
  };
}

export const informational = (text: string): OperationOutcome => operationOutcome([{ severity: 'information', code: 'informational', text }]);

/**
 * Moves issues found in a resource under the path where that resource sits,
 * e.g. "Condition.onsetDateTime" in entry 3 → "Bundle.entry[3].resource.onsetDateTime".
 */
export function underPath(issues: Issue[], resourceType: string, prefix: string): Issue[] {
  return issues.map((i) => ({
    ...i,
    expression: i.expression
      ? i.expression === resourceType ? prefix : i.expression.startsWith(`${resourceType}.`) ? `${prefix}.${i.expression.slice(resourceType.length + 1)}` : `${prefix}.${i.expression}`
      : prefix,
  }));
}

/**
 * Any error as a FHIR refusal. A service's field errors are named by element
 * path through `fieldPath` (e.g. "startedOn" → "Condition.onsetDateTime").
 * Whatever is not a known refusal is a 500, which the route logs.
 */
export function asFhirError(e: unknown, fieldPath: (field: string) => string | undefined = () => undefined): FhirError {
  if (e instanceof FhirError) return e;
  if (e instanceof NotFoundError) return notFound();
  if (e instanceof ForbiddenError) return error(403, 'forbidden')(e.message);
  if (e instanceof ConflictError) return error(409, 'conflict')(e.message);
  if (e instanceof ValidationError) {
    return new FhirError(422, Object.entries(e.fields).map(([field, text]) => ({
      severity: 'error', code: 'invalid', text, expression: fieldPath(field),
    })));
  }
  const status = (e as { statusCode?: number }).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const code: IssueCode = status === 413 ? 'too-costly' : status === 415 ? 'not-supported' : 'structure';
    const text = status === 413 ? 'The request is too large.' : status === 415 ? 'Send FHIR JSON (application/fhir+json).' : 'The request body is not valid JSON.';
    return error(status, code)(text);
  }
  const db = databaseError(e);
  if (db.code === FROZEN_RECORD_SQLSTATE) return error(403, 'forbidden')(db.message);
  if (db.code?.startsWith('22')) return badRequest('A value is not valid for its element.');
  if (db.code === '23505') return error(409, 'duplicate')('This resource clashes with one that already exists.');
  if (db.code === '23503') return unprocessable('This resource refers to something that does not exist.');
  return new FhirError(500, [{ severity: 'error', code: 'exception', text: 'Something went wrong. Nothing was saved.' }]);
}
