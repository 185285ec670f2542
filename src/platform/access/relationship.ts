import { sql, type SQL } from 'drizzle-orm';
import { rows, type Tx } from '../db/client.js';
import { isAdviceLinkHolder, isFamily, type Actor } from './actor.js';
import { agencyOfRole } from './roles.js';
import { composition, type ChildIdentity } from './composition.js';
import type { AdviceLinkFacts, FamilyGrantFacts, Relationship, RelationshipKind, RelationshipSupplier } from './relationship-kinds.js';

export { RELATIONSHIP_LABELS, type Relationship, type RelationshipKind, type RelationshipSupplier } from './relationship-kinds.js';

type Audience = 'professional' | 'family' | 'advice-link';
const audienceOf = (actor: Actor): Audience => (isFamily(actor) ? 'family' : isAdviceLinkHolder(actor) ? 'advice-link' : 'professional');
const suppliesTo = (s: RelationshipSupplier): Audience => (s.family ? 'family' : s.adviceLink ? 'advice-link' : 'professional');

/**
 * The suppliers asked about this actor: a family member only the family's
 * (grants), a link holder only the link's, everyone else never those, so no
 * professional rule can be met by a family or link relationship and no
 * family page by a professional one.
 */
function suppliersFor(actor: Actor): readonly RelationshipSupplier[] {
  const audience = audienceOf(actor);
  return composition().relationships.filter((s) => suppliesTo(s) === audience);
}

/** Family grants and the advice link carry their facts in a json column; professionals' relationships do not. */
const withFactsColumn = (actor: Actor) => audienceOf(actor) !== 'professional';

/**
 * Whether owning an action opens the child's summary and record to the
 * actor: to health it is direct care, as a care-team place would be; to
 * social care, education and youth justice it opens only the action and
 * the plan (with the family's consent), never the shared record.
 */
export const actionOpensRecord = (actor: Actor) => agencyOfRole(actor.role) === 'health';

/**
 * SQL predicate: the actor has a standing (non-emergency) relationship with
 * the child row aliased `c`. Used in lists so paging counts only what may be seen.
 */
export function standingRelationshipSql(actor: Actor): SQL {
  const predicates = suppliersFor(actor).map((s) => s.standing(actor)).filter((p): p is SQL => p !== null);
  return predicates.length ? sql`(${sql.join(predicates, sql` OR `)})` : sql`false`;
}

/** The UNION ALL of every supplier's relationships of the actor with the child `childId` (an expression), each row ranked; null when none could apply. */
function relationshipsQuery(actor: Actor, childId: SQL): SQL | null {
  const facts = withFactsColumn(actor);
  const branches = suppliersFor(actor).flatMap((supplier, rank) => {
    const found = supplier.withChild(actor, childId);
    return found ? [sql`SELECT ${rank}::int AS rank, r.kind, r.detail${facts ? sql`, r.facts` : sql``} FROM (${found}) r`] : [];
  });
  return branches.length ? sql.join(branches, sql` UNION ALL `) : null;
}

type Ranked = Relationship & { rank: number; facts?: Facts };

/** Strongest first: a stable sort, so within one supplier rows keep the order its query gave them. */
const strongestFirst = (found: Ranked[]): Relationship[] => found.sort((a, b) => a.rank - b.rank).map(withFacts);

/** Every relationship the actor has with the child now, strongest first (the order the composition lists its suppliers); empty when none. */
export async function legitimateRelationships(tx: Tx, actor: Actor, childId: string): Promise<Relationship[]> {
  const query = relationshipsQuery(actor, sql`${childId}::uuid`);
  return query ? strongestFirst(await rows<Ranked>(tx, query)) : [];
}

/**
 * A capability's read of the child, as one SQL expression (a scalar subquery
 * giving json) over the ICS and the child's id: asked in the door's own
 * statement, so the read costs no round trip of its own. It must name the
 * ICS (`ics_id = icsId`), as every tenant query does.
 */
export type ChildRead = (icsId: string, childId: SQL) => SQL;

/**
 * Who the child is and every relationship the actor has with them, in one
 * statement (the door's first question, one round trip instead of two):
 * undefined when there is no such child in this ICS. Asks identify and
 * legitimateRelationships in turn when the composition gives no identifySql.
 * With `alsoRead`, what it found comes back too (`read`), read in the same
 * statement; without identifySql it is not read here (`read` is absent), for
 * the door to read once its rule allows.
 */
export async function identifiedChild(
  tx: Tx, actor: Actor, childId: string, alsoRead?: ChildRead,
): Promise<{ child: ChildIdentity; relationships: Relationship[]; read?: { found: unknown } } | undefined> {
  const { identify, identifySql } = composition();
  if (!identifySql) {
    const child = await identify(tx, actor.icsId, childId);
    return child && { child, relationships: await legitimateRelationships(tx, actor, childId) };
  }
  const id = sql`${childId}::uuid`;
  const related = relationshipsQuery(actor, id);
  const [found] = await rows<ChildIdentity & { relationships: Ranked[]; also_read?: unknown }>(tx, sql`
    SELECT i.*, ${related ? sql`(SELECT coalesce(json_agg(r), '[]'::json) FROM (${related}) r)` : sql`'[]'::json`} AS relationships
           ${alsoRead ? sql`, (${alsoRead(actor.icsId, id)}) AS also_read` : sql``}
      FROM (${identifySql(actor.icsId, id)}) i`);
  if (!found) return undefined;
  const { relationships, also_read: read, ...child } = found;
  return { child, relationships: strongestFirst(relationships), ...(alsoRead ? { read: { found: read ?? null } } : {}) };
}

type Facts = FamilyGrantFacts | AdviceLinkFacts;

/** A relationship as the policy reads it: a family grant's or an advice link's with its facts, others kind and detail only. */
const withFacts = ({ kind, detail, facts }: Relationship & { facts?: Facts }): Relationship => {
  if (!facts) return { kind, detail };
  return kind === 'advice-link' ? { kind, detail, adviceLink: facts as AdviceLinkFacts } : { kind, detail, family: facts as FamilyGrantFacts };
};

/**
 * legitimateRelationships for each of a short list of children (a meeting's
 * case list), in one query: child id → their relationships, strongest first
 * (empty when none), each list as legitimateRelationships gives it.
 */
export async function legitimateRelationshipsOfEach(tx: Tx, actor: Actor, childIds: string[]): Promise<Map<string, Relationship[]>> {
  const facts = withFactsColumn(actor);
  const out = new Map(childIds.map((id) => [id, [] as (Relationship & { rank: number; facts?: Facts })[]]));
  const branches = suppliersFor(actor).flatMap((supplier, rank) => {
    const found = supplier.withChild(actor, sql`listed.child_id`);
    return found ? [sql`SELECT listed.child_id, ${rank}::int AS rank, r.kind, r.detail${facts ? sql`, r.facts` : sql``}
      FROM unnest(${sql.param([...out.keys()])}::uuid[]) AS listed(child_id) CROSS JOIN LATERAL (${found}) r`] : [];
  });
  if (branches.length && out.size) {
    for (const { child_id, ...r } of await rows<Relationship & { rank: number; child_id: string; facts?: Facts }>(tx, sql.join(branches, sql` UNION ALL `))) out.get(child_id)!.push(r);
  }
  // A stable sort, as legitimateRelationships: within one supplier, rows keep the order its query gave them.
  return new Map([...out].map(([id, found]) => [id, found.sort((a, b) => a.rank - b.rank).map(withFacts)]));
}

/**
 * SQL predicate: the actor has a relationship of this kind with the child
 * whose id is `childId` (an expression such as t.child_id). A supplier of this
 * kind alone is asked EXISTS (its query) directly: wrapped in a subquery that
 * filters on kind, the outer column sits inside the wrapper's FROM, and
 * PostgreSQL then runs it once per outer row instead of as one semi-join (the
 * task list's cluster-lead branch ran once per overdue action in the ICS).
 */
export function hasRelationshipSql(kind: RelationshipKind, actor: Actor, childId: SQL): SQL {
  const branches = suppliersFor(actor)
    .filter((s) => s.kinds.includes(kind))
    .flatMap((s) => {
      const found = s.withChild(actor, childId);
      if (!found) return [];
      return [s.kinds.length === 1 ? sql`EXISTS (${found})` : sql`EXISTS (SELECT 1 FROM (${found}) r WHERE r.kind = ${kind})`];
    });
  return branches.length ? sql`(${sql.join(branches, sql` OR `)})` : sql`false`;
}

/**
 * Every relationship the actor has with each of these children, in one query
 * (a list's page of children, each with why it is there): the same suppliers
 * the door asks, strongest first per child. A child with none maps to [].
 */
export async function relationshipsWithChildren(tx: Tx, actor: Actor, childIds: readonly string[]): Promise<Map<string, Relationship[]>> {
  const found = new Map(childIds.map((id): [string, Relationship[]] => [id, []]));
  if (!childIds.length) return found;
  const ids = sql`unnest(ARRAY[${sql.join(childIds.map((id) => sql`${id}`), sql`, `)}]::uuid[]) AS listed(id)`;
  const branches = suppliersFor(actor).flatMap((supplier, rank) => {
    const each = supplier.withChild(actor, sql`listed.id`);
    return each ? [sql`SELECT listed.id::text AS child_id, ${rank}::int AS rank, r.kind, r.detail FROM ${ids} CROSS JOIN LATERAL (${each}) r`] : [];
  });
  if (!branches.length) return found;
  const listed = await rows<Relationship & { child_id: string; rank: number }>(tx, sql.join(branches, sql` UNION ALL `));
  for (const { child_id, kind, detail } of listed.sort((a, b) => a.rank - b.rank)) found.get(child_id)?.push({ kind, detail });
  return found;
}
