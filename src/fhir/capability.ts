import type { CapabilityStatement, CapabilityStatementRestResource } from '@medplum/fhirtypes';
import { HANDLERS } from './registry.js';
import { feedTypes } from './history-feed.js';
import { includesOf, revincludesOf } from './search-includes.js';
import { chainsOf } from './search-chains.js';
import { entrySearchOf } from './resources/entries.js';
import { NHS_NUMBER_SYSTEM } from './codes.js';
import type { ResourceHandler } from './resources/handler.js';

/** What a search of the type does with the result parameters (search.ts, search-includes.ts). */
function searchDocumentation(h: ResourceHandler): string {
  return [
    h.sorts ? `Paged by key (the next link carries _cursor), stable while resources are added, to the last page; _sort: ${h.sorts.join(', ')}.` : 'Paged by _offset over one child’s (or one referral’s) resources, held in full.',
    '_summary=count for the total alone; _total=none leaves it out; _elements. Date, code, identifier and category of record entries take :missing=true|false. Unknown parameters are refused, or ignored and named in the Bundle with Prefer: handling=lenient. Token parameters take comma-separated alternatives where the type reads more than one.',
  ].join(' ');
}

/** Exactly the _include and _revinclude values the search answers (search-includes.ts). */
function searchIncludes(h: ResourceHandler): Pick<CapabilityStatementRestResource, 'searchInclude' | 'searchRevInclude'> {
  const include = includesOf(h.type);
  const revinclude = revincludesOf(h.type);
  return { ...(include.length ? { searchInclude: include } : {}), ...(revinclude.length ? { searchRevInclude: revinclude } : {}) };
}

const HISTORY_FEED = 'Every version the client may read, newest first: only the children it relates to, each read through the access door and audited. _since; _count (1–100, default 20); paged by key to the last version.';

/** The date this statement last changed in substance (what is supported). */
const STATEMENT_DATE = '2026-12-07';

/**
 * What the server does, built from the same handlers that serve requests, so
 * it cannot claim a type, interaction or search parameter that is not there.
 */
export function capabilityStatement(base: string): CapabilityStatement {
  const resources: CapabilityStatementRestResource[] = HANDLERS.map((h) => ({
    type: h.type as CapabilityStatementRestResource['type'],
    documentation: h.documentation,
    interaction: [
      { code: 'read' as const, ...(h.versioned ? { documentation: 'ETag W/"<versionId>" and Last-Modified; If-None-Match or If-Modified-Since answers 304 when unchanged.' } : {}) },
      ...(h.history ? [{ code: 'vread' as const }, { code: 'history-instance' as const, documentation: 'Every kept version, newest first; _since.' }] : []),
      ...(feedTypes([h]).length ? [{ code: 'history-type' as const, documentation: HISTORY_FEED }] : []),
      { code: 'search-type' as const, documentation: searchDocumentation(h) },
      ...(h.writable ? [
        { code: 'create' as const, documentation: 'Found again by identifier (or the sender’s id) rather than duplicated; with neither, a new resource with a server-assigned id. If-None-Exist takes the type’s search parameters (200 with the one match, 412 for several).' },
        { code: 'update' as const, documentation: `${h.versioned ? 'If-Match W/"<versionId>": 412 when the resource has changed since, and nothing is written. ' : ''}Conditional update PUT ${h.type}?<search parameters>: no match creates (201, server-assigned id; 409 if the resource sent is one Joinery already holds), one match is updated (400 if the body's id is another), several are 412.` },
      ] : []),
    ],
    // versioned-update: versionId kept and If-Match honoured; vread and _history where versions are kept.
    versioning: h.versioned ? (h.writable ? 'versioned-update' as const : 'versioned' as const) : 'no-version' as const,
    readHistory: !!h.history,
    updateCreate: false,
    conditionalCreate: h.writable,
    conditionalRead: h.versioned ? 'full-support' as const : 'not-supported' as const,
    // PUT [type]?criteria: none found creates, one found is updated, several are 412.
    conditionalUpdate: h.writable,
    conditionalDelete: 'not-supported' as const,
    searchParam: [
      ...h.searchParams.map((p) => ({ name: p.name, type: p.type, documentation: p.documentation })),
      ...chainsOf(h).map((name) => ({ name, type: 'token' as const, documentation: `The child found by identifier (NHS number as ${NHS_NUMBER_SYSTEM}|<number>) among the children the client is related to; as patient=Patient/<id> once found.` })),
      ...(h.type === 'Patient' ? [{ name: '_has', type: 'token' as const, documentation: `_has:<Type>:patient:<code parameter>=<codes>: children with a record entry of that code. Types: ${HANDLERS.filter((x) => entrySearchOf(x.type)).map((x) => x.type).join(', ')}.` }] : []),
      { name: '_count', type: 'number' as const, documentation: 'Results per page, 1 to 100 (default 20); the Bundle links to the next page.' },
      ...(h.sorts ? [{ name: '_sort', type: 'token' as const, documentation: `One of: ${h.sorts.join(', ')}.` }] : []),
      { name: '_summary', type: 'token' as const, documentation: 'One of: count, false. count: the total alone.' },
      { name: '_total', type: 'token' as const, documentation: 'One of: none, estimate, accurate. none leaves the total out.' },
      { name: '_elements', type: 'token' as const, documentation: 'Top-level elements to give (comma-separated), with id and meta; each match is tagged SUBSETTED.' },
    ],
    ...searchIncludes(h),
    ...(h.type === 'Patient'
      ? { operation: [{ name: 'everything', definition: 'http://hl7.org/fhir/OperationDefinition/Patient-everything', documentation: 'The child’s whole record that the client’s scopes cover, with the organisations and professionals it names, in one Bundle. _type (comma-separated types) narrows it; _since (an instant) keeps what changed since then.' }] }
      : {}),
  }));
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: STATEMENT_DATE,
    publisher: 'Joinery',
    kind: 'instance',
    software: { name: 'Joinery' },
    implementation: { description: 'Joinery shared care record for children and young people', url: base },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json'],
    rest: [{
      mode: 'server',
      documentation: 'Search one child’s record at a time (patient=Patient/<id>, or one referral’s appointments and messages with based-on=ServiceRequest/<id>), except Patient, Organization and Practitioner. Sensitive entries are never served. Every interaction is audited.',
      security: {
        cors: false,
        service: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR' }], text: 'OAuth 2.0 client credentials with SMART v2 system scopes' }],
        extension: [{
          url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
          extension: [{ url: 'token', valueUri: new URL('/oauth/token', base).toString() }],
        }],
      },
      resource: resources,
      interaction: [
        { code: 'transaction', documentation: 'All or nothing.' }, { code: 'batch', documentation: 'Each entry on its own.' },
        { code: 'history-system', documentation: `${HISTORY_FEED} Types: ${feedTypes(HANDLERS).map((x) => x.type).join(', ')}.` },
      ],
    }],
  };
}

/** SMART App Launch discovery (.well-known/smart-configuration) for backend services. */
export function smartConfiguration(base: string) {
  return {
    token_endpoint: new URL('/oauth/token', base).toString(),
    grant_types_supported: ['client_credentials'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
    token_endpoint_auth_signing_alg_values_supported: ['RS384', 'ES384'],
    scopes_supported: ['system/*.cruds', 'system/*.rs', 'system/*.cud', ...HANDLERS.map((h) => `system/${h.type}.rs`)],
    capabilities: ['client-confidential-symmetric', 'client-confidential-asymmetric', 'permission-v2', 'permission-v1'],
  };
}
