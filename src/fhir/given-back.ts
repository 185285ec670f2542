/**
 * Nothing silently lost, checked element by element: the paths of what a
 * sender sent that neither come back in what Joinery serves nor are named by
 * a warning (an OperationOutcome issue's expression, itself or a parent).
 * Joinery may add to what comes back (a coding beside the sender's, a
 * display), reorder repeats, word a coding's display its own way and write
 * references and instants its own way; it may not leave out a value it was given.
 */

type Json = unknown;
const isObject = (v: Json): v is Record<string, Json> => Boolean(v) && typeof v === 'object' && !Array.isArray(v);
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** A path without its indexes, so a warning on `Patient.address` names `Patient.address[0].line[0]`. */
const plain = (path: string) => path.replace(/\[\d+\]/g, '');

export function notGivenBack(sent: Record<string, Json>, served: Record<string, Json>, warned: string[]): string[] {
  const named = warned.map(plain);
  const isWarned = (path: string) => named.some((w) => plain(path) === w || plain(path).startsWith(`${w}.`));
  const type = String(sent.resourceType);

  function lost(s: Json, b: Json, path: string): string[] {
    if (isWarned(path)) return [];
    if (b === undefined || b === null) return [path];
    if (Array.isArray(s)) {
      if (!Array.isArray(b)) return [path];
      return s.flatMap((item, n) => {
        const at = `${path}[${n}]`;
        // The repeat that comes back closest: none lost if any gives it all back.
        const tries = b.map((candidate) => lost(item, candidate, at)).sort((x, y) => x.length - y.length);
        return tries[0] ?? (isWarned(at) ? [] : [at]);
      });
    }
    if (isObject(s)) {
      if (!isObject(b)) return [path];
      return Object.entries(s).flatMap(([k, v]) => {
        // A reference comes back as Joinery's own (Patient/<our id>), whatever the sender called it.
        if (k === 'reference') return typeof b.reference === 'string' || isWarned(`${path}.reference`) ? [] : [`${path}.reference`];
        // A coding's display may come back in Joinery's words for the same code, but must come back.
        if (k === 'display' && typeof v === 'string' && typeof b.code === 'string') return typeof b.display === 'string' && b.display !== '' ? [] : lost(v, b.display, `${path}.display`);
        return lost(v, b[k], `${path}.${k}`);
      });
    }
    if (typeof s === 'string' && typeof b === 'string' && INSTANT.test(s) && INSTANT.test(b)) return Date.parse(s) === Date.parse(b) ? [] : [path];
    return s === b ? [] : [path];
  }

  return Object.entries(sent).flatMap(([k, v]) => (k === 'resourceType' || k === 'id' || k === 'meta' ? [] : lost(v, served[k], `${type}.${k}`)));
}
