import type { Reference, Resource } from '@medplum/fhirtypes';
import type { Tx } from '../../platform/db/client.js';
import type { Actor } from '../../platform/access/actor.js';
import type { Issue } from '../outcome.js';
import type { ChildAccess, ChildAudit, ChildRead } from '../../platform/access/door.js';
import type { EntryRow } from '../../record/service.js';
import type { EntryKind } from '../../record/index.js';

export type Outcome = 'created' | 'updated' | 'unchanged';
export type SearchParamType = 'token' | 'date' | 'string' | 'reference';
/** `missing`: the parameter also takes `:missing=true|false` (has no value / has one). */
export type SearchParamDef = { name: string; type: SearchParamType; documentation: string; missing?: true };
/** Search parameters as given: name → each value given for it (repeats AND, commas within one OR). */
export type Query = Map<string, string[]>;
/**
 * One page: `count` resources (0 for the total alone), from `offset`, or for
 * a type paged by key (ResourceHandler.sorts) in `sort` order after the key
 * `after` of the last resource already seen.
 */
export type Page = { count: number; offset: number; sort?: string; after?: string[] };

export type Reading = { tx: Tx; actor: Actor; whole?: WholeRecord };

/**
 * Patient/$everything's reading of one child: the door opened once for the
 * child (fhirPolicy.readChild, in this transaction); each type's read of
 * that child adds its audit here instead of opening the door again, and
 * $everything writes them all in one statement before it answers. The
 * record's entries are read once (through the record service) for every
 * entry type, by kind.
 */
export type WholeRecord = { access: ChildAccess; audits: ChildAudit[]; entries: Map<EntryKind, EntryRow[]> };

/** One page of a search's matches; `next`: the key to page on from, when a type paged by key has more. */
export type SearchPage = { resources: Resource[]; total: number; next?: string[] };

/**
 * One child's search, its parameters read (a parameter that does not read
 * well answered 400 already): its read of the child, for the door to ask
 * with its own question (searchOneChild), and its answer once the door is
 * open, from what that read found (`withDoor`) or, where the door was open
 * before (withDoor absent), read then.
 */
export type SearchWithDoor<T, R extends Reading = Reading> = {
  childId: string;
  /** Absent when the search answers an error once the door is open (a parameter always read after it). */
  read?: ChildRead;
  answer(r: R, withDoor?: { found: unknown }): Promise<T>;
};

/**
 * A Bulk Data export's reading of a chunk of children at once: the door
 * opened for each (openEachChild, fhirPolicy.readChild, in this transaction)
 * and the export audits each child; the record's entries of the chunk read
 * once (through the record service) for every entry type, by kind.
 */
export type ChunkReading = Reading & { accesses: ChildAccess[]; entries: Map<EntryKind, EntryRow[]> };

/** What a resource's import needs from the Bundle or file it came in. */
export interface Importing extends Reading {
  /** Today (ISO date): dates after it are refused. */
  today: string;
  /** Our id for what a reference points at, of one of the types; refuses a broken reference at `path`. */
  resolve(ref: Reference | undefined, types: string[], path: string): Promise<{ type: string; id: string }>;
  /** Our id for what a reference points at, of any type, or undefined when it names nothing Joinery holds. */
  find(ref: Reference): Promise<{ type: string; id: string } | undefined>;
  /** The sender's namespace for bare resource ids (a Bundle's base URL, or the client's). */
  namespace: string;
  /** The entry's fullUrl, when it came in a Bundle. */
  fullUrl?: string;
}

export type Written = { id: string; outcome: Outcome; warnings?: Issue[] };

/** One kept version of a resource, as it was then: for vread and _history. */
export type Version = { resource: Resource; version: number; at: string };

/**
 * One FHIR resource type: how it is read, searched, written and described.
 * Access checks on the child and audit happen inside (through the services);
 * the route checks the client's scope for the interaction first.
 */
export interface ResourceHandler {
  type: string;
  /** Accepted in imports and by create/update; read-only types are served only. */
  writable: boolean;
  /**
   * meta.versionId and lastUpdated move with every change to anything the
   * resource shows, so If-None-Match and If-Modified-Since can be answered 304.
   * (CarePlan and ServiceRequest carry their row's version, but show rows
   * that change without it: actions, decisions.)
   */
  versioned?: true;
  /**
   * Whether what this resource shows may have changed since its version was
   * written without a new version (a flag that ends on a later day turns
   * inactive by the calendar): such a read is sent in full, never 304.
   */
  changesWithTime?(resource: Resource): boolean;
  searchParams: SearchParamDef[];
  /** What the CapabilityStatement says about the type. */
  documentation: string;
  read(r: Reading, id: string): Promise<Resource>;
  search(r: Reading, query: Query, page: Page): Promise<SearchPage>;
  /** search of one child's record as a read the door asks with its question: one round trip for both (record entry types). */
  searchWithDoor?(r: Reading, query: Query, page: Page): SearchWithDoor<SearchPage, Reading & { whole: WholeRecord }>;
  /** The `_sort` orders a type paged by key offers, its default first; a type without is paged by offset over its (small) result. */
  sorts?: readonly string[];
  /**
   * Writes a resource; `targetId` is our id when the sender named it (update);
   * `expectedVersion`, the version an update must still find (versioned types only).
   */
  write?(i: Importing, resource: Resource, targetId?: string, expectedVersion?: number): Promise<Written>;
  /** The record entry kind the type serves, when it is one (Patient/$everything reads them all at once). */
  entryKind?: EntryKind;
  /**
   * The versions kept of one resource that may be served, newest first
   * (history.ts). Through the same door and audit as read; a version that was
   * sensitive, or of another kind, is left out.
   */
  history?(r: Reading, id: string): Promise<Version[]>;
  /** This type's resources for one child, for Patient/$everything. */
  everything?(r: Reading, childId: string): Promise<Resource[]>;
  /** The same resources as `everything`, for every child of a Bulk Data export's chunk, in one statement. */
  everyChild?(r: ChunkReading): Promise<Resource[]>;
  /** Element path for a service's field name, for OperationOutcome expressions. */
  fieldPath?(field: string): string | undefined;
}
