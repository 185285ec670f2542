import { parentPort } from 'node:worker_threads';
import { structureIssues } from './validation.js';

/**
 * A worker thread of StructureCheckers: checks NDJSON lines against the FHIR
 * R4 structure definitions while the main thread writes. Answers each line's
 * issues, or null for a line that is not a JSON object (the main thread
 * refuses those itself). Definitions load on first need: a file of record
 * entries never loads the generic validator's.
 */
parentPort!.on('message', ({ id, texts }: { id: number; texts: string[] }) => {
  const issues = texts.map((text) => {
    let resource: unknown;
    try {
      resource = JSON.parse(text);
    } catch {
      return null;
    }
    return resource && typeof resource === 'object' && !Array.isArray(resource) ? structureIssues(resource) : null;
  });
  parentPort!.postMessage({ id, issues });
});
