import type { Resource } from '@medplum/fhirtypes';
import { getEntry, listEntries, saveEntry, type EntryInput, type EntryRow } from '../../record/service.js';
import type { EntryKind } from '../../record/index.js';
import { badRequest, notFound } from '../outcome.js';
import { dateRange, patientParam, single, tokenParam } from './common.js';
import type { Importing, Page, Query, Reading, ResourceHandler, SearchParamDef, Written } from './handler.js';

/**
 * How one kind of record entry is a FHIR resource. The record service does
 * every read and write (access, sensitive filtering, freeze, history, audit);
 * a codec only translates.
 */
export type EntryCodec<R extends Resource> = {
  type: R['resourceType'];
  kind: EntryKind;
  documentation: string;
  /** The code systems the code is looked for in, preferred first. */
  codeSystems: string[];
  /** Name of the search parameter for the code (code, vaccine-code). */
  codeParam: string;
  /** Search parameter for status, and what each of its values means as an entry status. */
  statusParam?: { name: string; values: Record<string, string> };
  toFhir(row: EntryRow): R;
  fromFhir(i: Importing, resource: R): Promise<{ childId: string; input: EntryInput }>;
  /** Element path for each of the entry's fields (startedOn → Condition.onsetDateTime). */
  paths: Record<string, string>;
};

/**
 * A defensive second line: the record service never returns a sensitive
 * entry to a system, but if one ever came back it would not go out.
 */
const servable = (row: EntryRow) => row.sensitive_category === null;

export function entryHandler<R extends Resource>(codec: EntryCodec<R>): ResourceHandler {
  const searchParams: SearchParamDef[] = [
    { name: 'patient', type: 'reference', documentation: 'Required: the child whose record is searched (Patient/<id>).' },
    { name: codec.codeParam, type: 'token', documentation: `The code (${codec.codeSystems.join(' or ')}), as system|code or code.` },
    { name: 'date', type: 'date', documentation: 'When it began or happened (eq, ge, gt, le, lt; a day, month or year).' },
  ];
  if (codec.statusParam) {
    searchParams.push({ name: codec.statusParam.name, type: 'token', documentation: `One of: ${Object.keys(codec.statusParam.values).join(', ')}.` });
  }

  async function search(r: Reading, query: Query, page: Page) {
    const childId = patientParam(query)!;
    const code = tokenParam(query, codec.codeParam, codec.codeSystems);
    let status: string | undefined;
    if (codec.statusParam) {
      const given = single(query, codec.statusParam.name);
      if (given !== undefined && !(given in codec.statusParam.values)) {
        throw badRequest(`${codec.statusParam.name} must be one of: ${Object.keys(codec.statusParam.values).join(', ')}.`, codec.statusParam.name);
      }
      if (given !== undefined) status = codec.statusParam.values[given];
    }
    const { from, to } = dateRange(query, 'date');
    if (code === null || (from && to && from > to)) {
      // Still checks access (and audits the search) before answering "none".
      await listEntries(r.tx, r.actor, childId, { kinds: [codec.kind], limit: 0 });
      return { resources: [], total: 0 };
    }
    const { entries, total } = await listEntries(r.tx, r.actor, childId, {
      kinds: [codec.kind], code, status, from, to, limit: page.count, offset: page.offset,
    });
    return { resources: entries.filter(servable).map(codec.toFhir), total };
  }

  return {
    type: codec.type,
    writable: true,
    versioned: true,
    documentation: codec.documentation,
    searchParams,
    async read(r, id) {
      const row = await getEntry(r.tx, r.actor, id);
      if (row.kind !== codec.kind || !servable(row)) throw notFound();
      return codec.toFhir(row);
    },
    search,
    async everything(r, childId) {
      const out: Resource[] = [];
      for (let offset = 0; ; offset += 1000) {
        const { entries } = await listEntries(r.tx, r.actor, childId, { kinds: [codec.kind], limit: 1000, offset });
        out.push(...entries.filter(servable).map(codec.toFhir));
        if (entries.length < 1000) return out;
      }
    },
    async write(i, resource, targetId, expectedVersion): Promise<Written> {
      const { childId, input } = await codec.fromFhir(i, resource as R);
      const saved = await saveEntry(i.tx, i.actor, childId, input, targetId ? { entryId: targetId, expectedVersion } : {});
      return { id: saved.entry.id, outcome: saved.outcome };
    },
    fieldPath: (field) => codec.paths[field] ?? codec.paths[field.split('.')[0]],
  };
}
