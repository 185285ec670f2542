import type { Reference, Resource } from '@medplum/fhirtypes';
import type { Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import type { ScopePermission } from '../platform/access/policy.js';
import { fhirPolicy } from './policy.js';
import { NHS_NUMBER_SYSTEM, ODS_SYSTEM, PROFESSIONAL_ID_SYSTEM, SCHOOL_URN_SYSTEM } from './codes.js';
import { ENTRY_TYPES } from './entry-codecs.js';
import { Lookups, Wanted, type Lookup } from './lookups.js';
import { asFhirError, badRequest, FhirError, notSupported, underPath, unprocessable, type Issue } from './outcome.js';
import { handlerFor } from './registry.js';
import type { Importing, Outcome, ResourceHandler } from './resources/handler.js';
import { structureIssues } from './validation.js';

export type Imported = { type: string; id: string; outcome: Outcome; warnings?: Issue[] };
export type Where = {
  /** Where the resource sits, for error paths: "Bundle.entry[3].resource", or the type alone. */
  path: string;
  fullUrl?: string;
  method: 'POST' | 'PUT';
  /** Our id, when the sender names the row to update (PUT Type/id). */
  targetId?: string;
  /** The version the sender's update was made to (If-Match): a write to any other is refused. */
  expectedVersion?: number;
};

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const ABSOLUTE = /^(https?:\/\/.+)\/([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/;
const RELATIVE = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/;
const CONDITIONAL = /^([A-Z][A-Za-z]+)\?identifier=(.*)$/;

/** Types whose writes name no row a reference could find (no fhir_link, child or organisation rows): answers found before stay true. */
const NAMES_NOTHING = new Set(ENTRY_TYPES);

export type Admitted = { r: Resource; handler: ResourceHandler & Required<Pick<ResourceHandler, 'write'>>; permission: ScopePermission };

/** The top-level elements of a resource that look like references: what prefetch looks up. */
function referencesIn(r: Resource): Reference[] {
  return Object.values(r).flatMap((v) => (Array.isArray(v) ? v : [v])).filter((v): v is Reference => {
    if (!v || typeof v !== 'object') return false;
    const ref = v as Reference;
    return typeof ref.reference === 'string' || (typeof ref.type === 'string' && typeof ref.identifier?.value === 'string' && typeof (ref.identifier.system ?? '') === 'string');
  });
}

/**
 * Writes FHIR resources into Joinery's tables, one at a time (record entries
 * also many at a time: import-entries.ts), for one actor in one transaction.
 * It remembers what each Bundle entry's fullUrl became, so later entries can
 * refer to earlier ones, and finds what a reference names: a Bundle entry, a
 * sender's id or identifier seen before, or one of our own ids, keeping the
 * answers (prefetch finds many at once). Everything a resource breaks is
 * reported at its element path.
 */
export class Importer {
  private readonly fullUrls = new Map<string, { type: string; id: string }>();
  /** What references have been found to name, kept until a write names rows anew. */
  private readonly lookups: Lookups;

  constructor(
    public tx: Tx,
    readonly actor: Actor,
    readonly opts: {
      namespace: string; today?: string; ourBase?: string;
      /** Structure issues already found for these resources (StructureCheckers does it in parallel). */
      checked?: WeakMap<object, Issue[]>;
    },
  ) {
    this.lookups = new Lookups(actor.icsId);
  }

  async importResource(resource: unknown, where: Where): Promise<Imported> {
    const { r, handler, permission } = this.admit(resource, where);
    let written;
    try {
      written = await handler.write(this.context(where.fullUrl), r, where.targetId, where.expectedVersion);
    } catch (e) {
      throw this.refusal(e, handler, r.resourceType, where.path);
    }
    const outOfScope = written.outcome === 'unchanged' ? undefined : this.scopeRefusal(r.resourceType, permission, written.outcome, where.path);
    if (outOfScope) throw outOfScope;
    this.wrote(r.resourceType, where, written.id);
    return { type: r.resourceType, ...written, ...(written.warnings ? { warnings: underPath(written.warnings, r.resourceType, where.path) } : {}) };
  }

  /** What every write checks before translating: a resource of a type Joinery writes, the client's scope for it, and FHIR R4 structure. */
  admit(resource: unknown, where: Where): Admitted {
    if (!resource || typeof resource !== 'object' || Array.isArray(resource) || typeof (resource as Resource).resourceType !== 'string') {
      throw badRequest('Expected a FHIR resource: a JSON object with a resourceType.', where.path);
    }
    const r = resource as Resource;
    const handler = handlerFor(r.resourceType);
    if (!handler) throw notSupported(`Joinery does not accept ${r.resourceType} resources.`, `${where.path}.resourceType`);
    if (!handler.write || !handler.writable) throw notSupported(`${r.resourceType} is read only in Joinery.`, `${where.path}.resourceType`);
    const permission = where.method === 'PUT' ? 'u' : 'c';
    const decision = fhirPolicy.interact(this.actor, r.resourceType, permission);
    if (!decision.allowed) throw new FhirError(403, [{ severity: 'error', code: 'forbidden', text: decision.reason, expression: where.path }]);
    const structure = this.opts.checked?.get(r) ?? structureIssues(r);
    if (structure.length) throw new FhirError(400, underPath(structure, r.resourceType, where.path));
    return { r, handler: handler as Admitted['handler'], permission };
  }

  /** An import that turned out to change a row needs the update scope too; one that made a row, the create scope. */
  scopeRefusal(type: string, permission: ScopePermission, outcome: 'created' | 'updated', path: string): FhirError | undefined {
    const needed = outcome === 'updated' ? 'u' : 'c';
    if (needed === permission) return undefined;
    const second = fhirPolicy.interact(this.actor, type, needed);
    return second.allowed ? undefined : new FhirError(403, [{ severity: 'error', code: 'forbidden', text: second.reason, expression: path }]);
  }

  /** A translation's or a service's refusal, with the service's field names as element paths under where the resource sits. */
  refusal(e: unknown, handler: ResourceHandler, type: string, path: string): FhirError {
    const error = asFhirError(e, (field) => handler.fieldPath?.(field));
    const refusal = new FhirError(error.status, underPath(error.issues, type, path));
    // Kept as the cause: a batch entry's savepoint must still keep a door refusal's audit (bundle.ts).
    refusal.cause = e;
    return refusal;
  }

  /** After a write: later Bundle entries may refer to it by its fullUrl, and a write that names rows outdates what was looked up. */
  wrote(type: string, where: Where, id: string): void {
    if (where.fullUrl) this.fullUrls.set(where.fullUrl, { type, id });
    if (!NAMES_NOTHING.has(type)) this.lookups.forget();
  }

  /**
   * Looks up what the resources' references name, in a few queries for all
   * of them, so that each resolve() finds its answer already known.
   */
  async prefetch(resources: unknown[]): Promise<void> {
    const wanted = new Wanted();
    for (const resource of resources) {
      if (!resource || typeof resource !== 'object' || Array.isArray(resource)) continue;
      for (const ref of referencesIn(resource as Resource)) {
        try {
          await this.find(ref, ref.type ?? '', undefined, wanted);
        } catch {
          // A reference that cannot be read is refused when its resource is written.
        }
      }
    }
    await this.lookups.load(this.tx, wanted);
  }

  context(fullUrl: string | undefined): Importing {
    const base = fullUrl ? ABSOLUTE.exec(fullUrl)?.[1] : undefined;
    return {
      tx: this.tx,
      actor: this.actor,
      today: this.opts.today ?? new Date().toISOString().slice(0, 10),
      namespace: base ?? this.opts.namespace,
      fullUrl,
      resolve: (ref, types, path) => this.resolve(ref, types, path, base),
      find: async (ref) => {
        const type = ref.type ?? (ref.reference ? /(?:^|\/)([A-Z][A-Za-z]+)(?:\/[^/]+|\?.*)$/.exec(ref.reference)?.[1] : undefined) ?? '';
        return this.find(ref, type, base, this.lookups);
      },
    };
  }

  private async resolve(ref: Reference | undefined, types: string[], path: string, base: string | undefined): Promise<{ type: string; id: string }> {
    if (!ref || (!ref.reference && !ref.identifier)) throw unprocessable(`Give a reference to the ${types.join(' or ')}.`, path);
    const found = await this.find(ref, ref.type ?? types[0], base, this.lookups);
    if (!found) {
      throw unprocessable(`${ref.reference ?? 'The identifier'} does not resolve to a ${types.join(' or ')} in this Bundle or in Joinery.`, `${path}.${ref.reference ? 'reference' : 'identifier'}`);
    }
    if (!types.includes(found.type)) throw unprocessable(`This must refer to a ${types.join(' or ')}, not a ${found.type}.`, `${path}.reference`);
    return found;
  }

  private find(ref: Reference, type: string, base: string | undefined, via: Lookup) {
    return ref.reference ? this.byReference(ref.reference, base, via) : this.byIdentifier(type, ref.identifier?.system, ref.identifier?.value, via);
  }

  private async byReference(reference: string, base: string | undefined, via: Lookup): Promise<{ type: string; id: string } | undefined> {
    const inBundle = this.fullUrls.get(reference) ?? (base && RELATIVE.test(reference) ? this.fullUrls.get(`${base}/${reference}`) : undefined);
    if (inBundle) return inBundle;
    const conditional = CONDITIONAL.exec(reference);
    if (conditional) {
      const token = decodeURIComponent(conditional[2]);
      const bar = token.indexOf('|');
      return this.byIdentifier(conditional[1], bar < 0 ? undefined : token.slice(0, bar), bar < 0 ? token : token.slice(bar + 1), via);
    }
    const absolute = ABSOLUTE.exec(reference);
    const relative = RELATIVE.exec(reference);
    const [type, id, namespace] = absolute
      ? [absolute[2], absolute[3], absolute[1]]
      : relative ? [relative[1], relative[2], base ?? this.opts.namespace] : [];
    if (!type || !id) return undefined;
    const linked = await via.link(this.tx, type, { kind: 'id', system: namespace!, value: id });
    if (linked) return { type, id: linked };
    // Our own id (relative, or absolute to this server).
    if ((!absolute || absolute[1] === this.opts.ourBase) && UUID.test(id) && (await via.own(this.tx, type, id))) return { type, id: id.toLowerCase() };
    return undefined;
  }

  private async byIdentifier(type: string, system: string | undefined, value: string | undefined, via: Lookup): Promise<{ type: string; id: string } | undefined> {
    if (!value) return undefined;
    if (type === 'Patient' && (!system || system === NHS_NUMBER_SYSTEM)) {
      const id = await via.childByNhsNumber(this.tx, value.replace(/\s/g, ''));
      return id ? { type, id } : undefined;
    }
    if (type === 'Organization' && (!system || system === ODS_SYSTEM)) {
      const id = await via.organisationByOds(this.tx, value.toUpperCase());
      return id ? { type, id } : undefined;
    }
    if (type === 'Organization' && system === SCHOOL_URN_SYSTEM) {
      const id = await via.schoolByUrn(this.tx, value.trim());
      return id ? { type, id } : undefined;
    }
    if (type === 'Practitioner' && system === PROFESSIONAL_ID_SYSTEM && UUID.test(value)) {
      return (await via.own(this.tx, type, value)) ? { type, id: value.toLowerCase() } : undefined;
    }
    if (!system) return undefined;
    const linked = await via.link(this.tx, type, { kind: 'identifier', system, value });
    return linked ? { type, id: linked } : undefined;
  }
}
