import { sql } from 'drizzle-orm';
import type { Reference, Resource } from '@medplum/fhirtypes';
import { rows, type Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { systemPolicy } from '../platform/access/policy.js';
import { NHS_NUMBER_SYSTEM, ODS_SYSTEM, PROFESSIONAL_ID_SYSTEM } from './codes.js';
import { linkTarget } from './links.js';
import { asFhirError, badRequest, FhirError, notSupported, underPath, unprocessable, type Issue } from './outcome.js';
import { handlerFor } from './registry.js';
import type { Importing, Outcome } from './resources/handler.js';
import { structureIssues } from './validation.js';

export type Imported = { type: string; id: string; outcome: Outcome; warnings?: Issue[] };
export type Where = {
  /** Where the resource sits, for error paths: "Bundle.entry[3].resource", or the type alone. */
  path: string;
  fullUrl?: string;
  method: 'POST' | 'PUT';
  /** Our id, when the sender names the row to update (PUT Type/id). */
  targetId?: string;
};

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const ABSOLUTE = /^(https?:\/\/.+)\/([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/;
const RELATIVE = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/;
const CONDITIONAL = /^([A-Z][A-Za-z]+)\?identifier=(.*)$/;

/**
 * Writes FHIR resources into Joinery's tables, one at a time, for one actor
 * in one transaction. It remembers what each Bundle entry's fullUrl became,
 * so later entries can refer to earlier ones, and finds what a reference
 * names: a Bundle entry, a sender's id or identifier seen before, or one of
 * our own ids. Everything a resource breaks is reported at its element path.
 */
export class Importer {
  private readonly fullUrls = new Map<string, { type: string; id: string }>();

  constructor(
    public tx: Tx,
    readonly actor: Actor,
    readonly opts: { namespace: string; today?: string; ourBase?: string },
  ) {}

  async importResource(resource: unknown, where: Where): Promise<Imported> {
    if (!resource || typeof resource !== 'object' || Array.isArray(resource) || typeof (resource as Resource).resourceType !== 'string') {
      throw badRequest('Expected a FHIR resource: a JSON object with a resourceType.', where.path);
    }
    const r = resource as Resource;
    const handler = handlerFor(r.resourceType);
    if (!handler) throw notSupported(`Joinery does not accept ${r.resourceType} resources.`, `${where.path}.resourceType`);
    if (!handler.write || !handler.writable) throw notSupported(`${r.resourceType} is read only in Joinery.`, `${where.path}.resourceType`);
    const permission = where.method === 'PUT' ? 'u' : 'c';
    const decision = systemPolicy.fhirInteraction(this.actor, r.resourceType, permission);
    if (!decision.allowed) throw new FhirError(403, [{ severity: 'error', code: 'forbidden', text: decision.reason, expression: where.path }]);
    const structure = structureIssues(r);
    if (structure.length) throw new FhirError(400, underPath(structure, r.resourceType, where.path));

    const context = this.context(where.fullUrl);
    let written;
    try {
      written = await handler.write(context, r, where.targetId);
    } catch (e) {
      const error = asFhirError(e, (field) => handler.fieldPath?.(field));
      throw new FhirError(error.status, underPath(error.issues, r.resourceType, where.path));
    }
    // An import that turned out to change a row needs the update scope too; one that made a row, the create scope.
    const needed = written.outcome === 'updated' ? 'u' : written.outcome === 'created' ? 'c' : null;
    if (needed && needed !== permission) {
      const second = systemPolicy.fhirInteraction(this.actor, r.resourceType, needed);
      if (!second.allowed) throw new FhirError(403, [{ severity: 'error', code: 'forbidden', text: second.reason, expression: where.path }]);
    }
    if (where.fullUrl) this.fullUrls.set(where.fullUrl, { type: r.resourceType, id: written.id });
    return { type: r.resourceType, ...written };
  }

  private context(fullUrl: string | undefined): Importing {
    const base = fullUrl ? ABSOLUTE.exec(fullUrl)?.[1] : undefined;
    return {
      tx: this.tx,
      actor: this.actor,
      today: this.opts.today ?? new Date().toISOString().slice(0, 10),
      namespace: base ?? this.opts.namespace,
      fullUrl,
      resolve: (ref, types, path) => this.resolve(ref, types, path, base),
    };
  }

  private async resolve(ref: Reference | undefined, types: string[], path: string, base: string | undefined): Promise<{ type: string; id: string }> {
    if (!ref || (!ref.reference && !ref.identifier)) throw unprocessable(`Give a reference to the ${types.join(' or ')}.`, path);
    const found = ref.reference
      ? await this.byReference(ref.reference, base)
      : await this.byIdentifier(ref.type ?? types[0], ref.identifier?.system, ref.identifier?.value);
    if (!found) {
      throw unprocessable(`${ref.reference ?? 'The identifier'} does not resolve to a ${types.join(' or ')} in this Bundle or in Joinery.`, `${path}.${ref.reference ? 'reference' : 'identifier'}`);
    }
    if (!types.includes(found.type)) throw unprocessable(`This must refer to a ${types.join(' or ')}, not a ${found.type}.`, `${path}.reference`);
    return found;
  }

  private async byReference(reference: string, base: string | undefined): Promise<{ type: string; id: string } | undefined> {
    const inBundle = this.fullUrls.get(reference) ?? (base && RELATIVE.test(reference) ? this.fullUrls.get(`${base}/${reference}`) : undefined);
    if (inBundle) return inBundle;
    const conditional = CONDITIONAL.exec(reference);
    if (conditional) {
      const token = decodeURIComponent(conditional[2]);
      const bar = token.indexOf('|');
      return this.byIdentifier(conditional[1], bar < 0 ? undefined : token.slice(0, bar), bar < 0 ? token : token.slice(bar + 1));
    }
    const absolute = ABSOLUTE.exec(reference);
    const relative = RELATIVE.exec(reference);
    const [type, id, namespace] = absolute
      ? [absolute[2], absolute[3], absolute[1]]
      : relative ? [relative[1], relative[2], base ?? this.opts.namespace] : [];
    if (!type || !id) return undefined;
    const linked = await linkTarget(this.tx, type, { kind: 'id', system: namespace!, value: id });
    if (linked) return { type, id: linked };
    // Our own id (relative, or absolute to this server).
    if ((!absolute || absolute[1] === this.opts.ourBase) && UUID.test(id) && (await this.exists(type, id))) return { type, id: id.toLowerCase() };
    return undefined;
  }

  private async byIdentifier(type: string, system: string | undefined, value: string | undefined): Promise<{ type: string; id: string } | undefined> {
    if (!value) return undefined;
    if (type === 'Patient' && (!system || system === NHS_NUMBER_SYSTEM)) {
      const [c] = await rows<{ id: string }>(this.tx, sql`SELECT id FROM child WHERE nhs_number = ${value.replace(/\s/g, '')}`);
      return c ? { type, id: c.id } : undefined;
    }
    if (type === 'Organization' && (!system || system === ODS_SYSTEM)) {
      const [o] = await rows<{ id: string }>(this.tx, sql`SELECT id FROM organisation WHERE ods_code = ${value.toUpperCase()}`);
      return o ? { type, id: o.id } : undefined;
    }
    if (type === 'Practitioner' && system === PROFESSIONAL_ID_SYSTEM && UUID.test(value)) {
      return (await this.exists(type, value)) ? { type, id: value.toLowerCase() } : undefined;
    }
    if (!system) return undefined;
    const linked = await linkTarget(this.tx, type, { kind: 'identifier', system, value });
    return linked ? { type, id: linked } : undefined;
  }

  private async exists(type: string, id: string): Promise<boolean> {
    const table = { Patient: 'child', Organization: 'organisation', Practitioner: 'professional' }[type];
    if (!table) return false;
    const found = await rows(this.tx, sql`SELECT 1 FROM ${sql.identifier(table)} WHERE id = ${id}::uuid`);
    return found.length > 0;
  }
}
