import type { SQL } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import type { RelationshipSupplier } from './relationship-kinds.js';

/** Who a child is, as every child-scoped page heads itself: what the door reads to know the child exists in this ICS. */
export type ChildIdentity = {
  id: string;
  nhs_number: string | null;
  given_name: string;
  family_name: string;
  date_of_birth: string;
  sex: string;
  practice_name: string | null;
};

/**
 * What the door needs from the capabilities, which platform may not import:
 * how to find a child (the children capability) and each capability's
 * relationships, strongest first. The composition root (src/relationships.ts)
 * registers them once at start; the app, the command line, benches and test
 * databases all call it.
 */
export type ChildAccessComposition = {
  /** The child in the ICS `icsId` (the current one: row-level security hides the rest), or undefined. */
  identify(tx: Tx, icsId: string, childId: string): Promise<ChildIdentity | undefined>;
  /**
   * identify as a query (the child's columns, as ChildIdentity names them, for
   * the id `childId` in the ICS `icsId`), so the door can ask who the child is
   * and how the actor relates to them in one statement, on one shard. Without
   * it the door asks identify.
   */
  identifySql?(icsId: string, childId: SQL): SQL;
  /** identify for many children in one query (a feed's batch): those found in the ICS `icsId`, by id. */
  identifyEach(tx: Tx, icsId: string, childIds: string[]): Promise<Map<string, ChildIdentity>>;
  /** Strongest first: the order relationships are listed and the first is the `why` a decision gives. */
  relationships: readonly RelationshipSupplier[];
};

let composed: ChildAccessComposition | undefined;

export function composeChildAccess(c: ChildAccessComposition): void {
  composed = Object.freeze({ identify: c.identify, identifySql: c.identifySql, identifyEach: c.identifyEach, relationships: Object.freeze([...c.relationships]) });
}

/** The registered composition; without one no child could be opened, so say so rather than refuse everyone. */
export function composition(): ChildAccessComposition {
  if (!composed) throw new Error('Child access is not composed: call registerChildAccess() (src/relationships.ts) at start.');
  return composed;
}
