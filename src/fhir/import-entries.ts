import { saveEntries } from '../record/service.js';
import type { EntryInput } from '../record/index.js';
import type { Admitted, Imported, Importer, Where } from './import.js';
import { asFhirError, FhirError, underPath } from './outcome.js';
import { ENTRY_CODECS } from './entry-codecs.js';
import { translateEntry } from './resources/entries.js';
import type { Issue } from './outcome.js';

/**
 * Imports many record-entry resources (of ENTRY_TYPES in entry-codecs.ts, POSTed: an NDJSON
 * file's lines) at once, with the rules and answers of importResource: each
 * is checked and translated on its own, then all are saved together by the
 * record's saveEntries. Returns each one's result or refusal, in order.
 * A database error is thrown: the caller rolls back and goes one at a time.
 */
export async function importEntries(importer: Importer, items: { resource: unknown; where: Where }[]): Promise<(Imported | FhirError)[]> {
  const results: (Imported | FhirError)[] = new Array(items.length);
  const translated: { index: number; admitted: Admitted; where: Where; childId: string; input: EntryInput; warnings: Issue[] }[] = [];
  for (const [index, { resource, where }] of items.entries()) {
    let admitted: Admitted | undefined;
    try {
      admitted = importer.admit(resource, where);
      const { childId, input, warnings } = await translateEntry(ENTRY_CODECS.get(admitted.r.resourceType)!, importer.context(where.fullUrl), admitted.r);
      translated.push({ index, admitted, where, childId, input, warnings });
    } catch (e) {
      results[index] = admitted ? importer.refusal(e, admitted.handler, admitted.r.resourceType, where.path) : asFhirError(e);
    }
  }
  const saved = await saveEntries(importer.tx, importer.actor, translated.map((t) => ({ childId: t.childId, raw: t.input })), {
    check: (n, change) => {
      const t = translated[n];
      return importer.scopeRefusal(t.admitted.r.resourceType, t.admitted.permission, change, t.where.path);
    },
  });
  saved.forEach((s, n) => {
    const { index, admitted: { r, handler }, where, warnings } = translated[n];
    if ('error' in s) {
      // A scope refusal is already a FhirError at the resource's path; the record's refusals name its fields.
      results[index] = s.error instanceof FhirError ? s.error : importer.refusal(s.error, handler, r.resourceType, where.path);
      return;
    }
    importer.wrote(r.resourceType, where, s.id);
    results[index] = { type: r.resourceType, id: s.id, outcome: s.outcome, ...(warnings.length ? { warnings: underPath(warnings, r.resourceType, where.path) } : {}) };
  });
  return results;
}
