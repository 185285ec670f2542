import type { Bundle, BundleEntry, Resource } from '@medplum/fhirtypes';
import { isKeptAfterRollback, type Database, type Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { Importer, type Imported } from './import.js';
import { asFhirError, badRequest, FhirError, operationOutcome, type Issue } from './outcome.js';
import { importRank } from './registry.js';
import { holdMedications } from './medication-entries.js';

/** Most entries one Bundle may carry: a child's whole record fits many times over. */
export const MAX_ENTRIES = 5000;

const STATUS_TEXT: Record<number, string> = {
  200: 'OK', 201: 'Created', 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 413: 'Payload Too Large', 422: 'Unprocessable Entity', 500: 'Internal Server Error',
};
const status = (code: number) => `${code} ${STATUS_TEXT[code] ?? ''}`.trim();

type Request = { index: number; resource: unknown; fullUrl?: string; method: 'POST' | 'PUT'; targetId?: string; type: string };
/** `held`: a Medication entry kept inside the courses that refer to it (medication-entries.ts). */
type Result = { index: number; imported?: Imported; error?: FhirError; held?: Issue[] };

/** Checks the Bundle's shape and each entry's request; returns the entries to write, in the order to write them. */
function readBundle(body: unknown): { type: 'transaction' | 'batch'; requests: Request[]; refused: Result[] } {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('Send a FHIR Bundle (a JSON object).', 'Bundle');
  const b = body as Bundle;
  if (b.resourceType !== 'Bundle') throw badRequest('POST to the base URL takes a Bundle.', 'Bundle.resourceType');
  if (b.type !== 'transaction' && b.type !== 'batch') throw badRequest('The Bundle type must be transaction or batch.', 'Bundle.type');
  if (b.entry !== undefined && !Array.isArray(b.entry)) throw badRequest('Bundle.entry must be a list.', 'Bundle.entry');
  const entries = (b.entry ?? []) as unknown[];
  if (entries.length > MAX_ENTRIES) throw new FhirError(413, [{ severity: 'error', code: 'too-costly', text: `A Bundle may carry at most ${MAX_ENTRIES} entries; split it.`, expression: 'Bundle.entry' }]);

  const requests: Request[] = [];
  const refused: Result[] = [];
  const fullUrls = new Map<string, number>();
  const identifiers = new Map<string, number>();
  const refuse = (index: number, error: FhirError) => {
    if (b.type === 'transaction') throw error;
    refused.push({ index, error });
  };
  entries.forEach((raw, index) => {
    const path = `Bundle.entry[${index}]`;
    const e = raw as BundleEntry;
    if (!e || typeof e !== 'object' || Array.isArray(e)) return refuse(index, badRequest('Each entry must be an object.', path));
    const method = e.request?.method;
    if (method !== 'POST' && method !== 'PUT') {
      return refuse(index, badRequest(method ? `Joinery accepts POST and PUT entries, not ${method}.` : 'Give the entry’s request (method and url).', `${path}.request.method`));
    }
    const resource = e.resource as Resource | undefined;
    if (!resource || typeof resource !== 'object' || typeof resource.resourceType !== 'string') {
      return refuse(index, badRequest('Give the entry’s resource.', `${path}.resource`));
    }
    const url = typeof e.request?.url === 'string' ? e.request.url : '';
    const m = /^([A-Z][A-Za-z]+)(?:\/([A-Za-z0-9\-.]{1,64}))?(?:\?.*)?$/.exec(url);
    if (!m || m[1] !== resource.resourceType) return refuse(index, badRequest(`request.url must be ${resource.resourceType} or ${resource.resourceType}/<id>.`, `${path}.request.url`));
    if (method === 'PUT' && !m[2] && !url.includes('?')) return refuse(index, badRequest('A PUT names the resource: Type/<id> or Type?identifier=system|value.', `${path}.request.url`));
    if (typeof e.fullUrl === 'string') {
      if (fullUrls.has(e.fullUrl)) return refuse(index, badRequest(`This fullUrl is also entry ${fullUrls.get(e.fullUrl)}’s.`, `${path}.fullUrl`));
      fullUrls.set(e.fullUrl, index);
    }
    for (const id of [(resource as { identifier?: unknown }).identifier ?? []].flat() as { system?: string; value?: string }[]) {
      if (!id || typeof id !== 'object' || !id.system || !id.value) continue;
      const key = `${resource.resourceType}|${id.system}|${id.value}`;
      if (identifiers.has(key)) {
        return refuse(index, badRequest(`Entry ${identifiers.get(key)} has the same identifier: one resource, one entry.`, `${path}.resource.identifier`));
      }
      identifiers.set(key, index);
    }
    // A conditional PUT (Type?identifier=…) is an upsert: the identifier finds the row.
    requests.push({ index, resource, fullUrl: e.fullUrl, method, targetId: method === 'PUT' ? m[2]?.toLowerCase() : undefined, type: resource.resourceType });
  });
  const { rest, held } = holdMedications(requests);
  rest.sort((a, b2) => importRank(a.type) - importRank(b2.type) || a.index - b2.index);
  return { type: b.type, requests: rest, refused: [...refused, ...held.map((h) => ({ index: h.index, held: h.issues }))] };
}

function responseEntry(result: Result, base: string): BundleEntry {
  if (result.error) {
    return { response: { status: status(result.error.status), outcome: operationOutcome(result.error.issues) } };
  }
  if (result.held) return { response: { status: status(200), outcome: operationOutcome(result.held) } };
  const i = result.imported!;
  return {
    fullUrl: `${base}/${i.type}/${i.id}`,
    response: {
      status: status(i.outcome === 'created' ? 201 : 200),
      location: `${i.type}/${i.id}`,
      outcome: operationOutcome([
        { severity: 'information', code: 'informational', text: i.outcome },
        ...(i.warnings ?? []),
      ]),
    },
  };
}

export type BundleSummary = { created: number; updated: number; unchanged: number; rejected: { index: number; issues: Issue[] }[] };

export function summarise(results: Result[]): BundleSummary {
  const s: BundleSummary = { created: 0, updated: 0, unchanged: 0, rejected: [] };
  for (const r of results) {
    if (r.error) s.rejected.push({ index: r.index, issues: r.error.issues });
    else if (r.imported) s[r.imported.outcome]++;
  }
  return s;
}

/**
 * A transaction Bundle is all or nothing: one failing entry rolls back every
 * entry and the answer is that entry's OperationOutcome. A batch writes what it
 * can, each entry in its own savepoint, and answers for each entry; a
 * refused entry's audit is kept though its writes are not.
 */
export async function processBundle(
  db: Database, actor: Actor, body: unknown, opts: { base: string; namespace: string; today?: string },
): Promise<{ status: number; body: Bundle; summary: BundleSummary }> {
  const { type, requests, refused } = readBundle(body);
  const results: Result[] = [...refused];
  await db.tenant(actor.icsId, async (tx) => {
    const importer = new Importer(tx, actor, { namespace: opts.namespace, today: opts.today, ourBase: opts.base });
    for (const r of requests) {
      const where = { path: `Bundle.entry[${r.index}].resource`, fullUrl: r.fullUrl, method: r.method, targetId: r.targetId };
      if (type === 'transaction') {
        results.push({ index: r.index, imported: await importer.importResource(r.resource, where) });
        continue;
      }
      try {
        const imported = await tx.transaction(async (savepoint) => {
          importer.tx = savepoint as unknown as Tx;
          try {
            return await importer.importResource(r.resource, where);
          } finally {
            importer.tx = tx;
          }
        });
        results.push({ index: r.index, imported });
      } catch (e) {
        // The savepoint rolled back the entry's writes and with them a door refusal's audit: write that audit again, so it is kept.
        const kept = isKeptAfterRollback(e) ? e : e instanceof Error && isKeptAfterRollback(e.cause) ? e.cause : undefined;
        if (kept) await kept.keepAfterRollback(tx);
        results.push({ index: r.index, error: batchError(e) });
      }
    }
  });
  results.sort((a, b) => a.index - b.index);
  return {
    status: 200,
    body: { resourceType: 'Bundle', type: type === 'transaction' ? 'transaction-response' : 'batch-response', entry: results.map((r) => responseEntry(r, opts.base)) },
    summary: summarise(results),
  };
}

function batchError(e: unknown): FhirError {
  const error = asFhirError(e);
  if (error.status >= 500) console.error(`[joinery] FHIR batch entry failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  return error;
}
