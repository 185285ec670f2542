import { badRequest, FhirError, notFound } from './outcome.js';
import { handlerFor, HANDLERS } from './registry.js';
import { entrySearchOf } from './resources/entries.js';
import { tokenList } from './resources/search-params.js';
import type { Query, Reading, ResourceHandler } from './resources/handler.js';

/**
 * Chained and reverse-chained search, for the reference every record type
 * has to its child:
 * - `patient.identifier=<system>|<value>` (or `subject.identifier`) finds the
 *   child by NHS number or another identifier through a Patient search (only
 *   children the client is related to; audited as one) and searches that
 *   child's record, as `patient=Patient/<id>` would;
 * - on Patient, `_has:<Type>:patient:<code parameter>=<codes>` keeps the
 *   children with a record entry of that type and code.
 */
export const CHAINS = ['patient.identifier', 'subject.identifier'] as const;

const byPatient = (h: ResourceHandler) => h.searchParams.some((p) => p.name === 'patient' && p.type === 'reference');

/** The chained parameters a type takes. */
export const chainsOf = (h: ResourceHandler): string[] => (byPatient(h) && h.type !== 'Patient' ? [...CHAINS] : []);

/** `_has:<Type>:<reference>:<parameter>` as the entry kind and code parameter it names; a 400 naming what is served otherwise. */
export function readHas(handler: ResourceHandler, name: string): { kind: string; param: string; systems: string[] } {
  const [, type, ref, param, ...rest] = name.split(':');
  const entry = handlerFor(type ?? '') ? entrySearchOf(type) : undefined;
  if (handler.type !== 'Patient' || rest.length || !entry || !['patient', 'subject'].includes(ref ?? '') || param !== entry.codeParam) {
    throw badRequest(`${name}: this server takes _has on Patient, by a record type’s code, as _has:<Type>:patient:<code parameter> (e.g. _has:Observation:patient:code).`, name);
  }
  return { kind: entry.kind, param, systems: entry.codeSystems };
}

/**
 * Turns the chains of a search into what the type's handler reads: `_has`
 * into entry kinds and codes, `patient.identifier` into the one child it
 * names. `false` when the chain finds no child, so nothing can match.
 */
export async function resolveChains(r: Reading, handler: ResourceHandler, query: Query): Promise<boolean> {
  for (const name of [...query.keys()].filter((n) => n.startsWith('_has:'))) {
    const { kind, param, systems } = readHas(handler, name);
    const codes = tokenList(new Map([[param, query.get(name)!]]), param, systems) ?? [];
    query.delete(name);
    query.set('_has', [...(query.get('_has') ?? []), `${kind}:${codes.join(' ')}`]);
  }
  const chain = CHAINS.find((c) => query.has(c));
  if (!chain) return true;
  if (CHAINS.filter((c) => query.has(c)).length > 1 || query.has('patient') || query.has('subject')) {
    throw badRequest(`Name the child once: ${chain}, or patient.`, chain);
  }
  const values = query.get(chain)!;
  query.delete(chain);
  if (values.length > 1 || values[0].includes(',')) throw badRequest(`Give ${chain} once, with one identifier.`, chain);
  const patients = handlerFor('Patient')!;
  const found = await patients.search(r, new Map([['identifier', values]]), { count: 2, offset: 0, sort: patients.sorts?.[0] });
  if (found.resources.length > 1) throw badRequest(`${chain}=${values[0]} names more than one patient: search by patient=Patient/<id>.`, chain);
  if (!found.resources.length) return false;
  query.set('patient', [`Patient/${found.resources[0].id}`]);
  return true;
}

/** `Patient/<id>/<Type>`: the type's search of that child; a type not in the Patient compartment here is 404. */
export function inCompartment(handler: ResourceHandler, query: Query, patientId: string): void {
  if (!byPatient(handler) || handler.type === 'Patient') {
    throw new FhirError(404, [{ severity: 'error', code: 'not-supported', text: `${handler.type} is not searched in the Patient compartment here. Types that are: ${HANDLERS.filter(byPatient).filter((h) => h.type !== 'Patient').map((h) => h.type).join(', ')}.` }]);
  }
  if (!/^[0-9a-fA-F-]{36}$/.test(patientId)) throw notFound();
  if (query.has('patient') || query.has('subject') || CHAINS.some((c) => query.has(c))) throw badRequest('The compartment names the child: give no patient parameter too.', 'patient');
  query.set('patient', [`Patient/${patientId.toLowerCase()}`]);
}
