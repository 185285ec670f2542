import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { policy } from '../platform/access/policy.js';
import { auditListedChildren } from '../platform/access/door.js';
import {
  RELATIONSHIP_LABELS, relationshipsWithChildren, standingRelationshipSql, type Relationship,
} from '../platform/access/relationship.js';
import { ForbiddenError } from '../platform/http/errors.js';
import { pageWindow, type PageWindow } from '../platform/http/paging.js';
import { criteriaBranches, type ChildCriteria } from './store.js';

/**
 * "My children": the children a professional has a standing relationship
 * with, and why. Who is listed is decided in SQL by the same relationship
 * suppliers the door asks (standingRelationshipSql), so the count and the
 * paging hold only children the actor may see; the reasons come from those
 * suppliers too (relationshipsWithChildren). Only the page shown is audited.
 */

export const CASELOAD_PAGE_SIZE = 25;

export type CaseloadChild = {
  id: string;
  nhs_number: string | null;
  given_name: string;
  family_name: string;
  date_of_birth: string;
  /** Strongest first, each in words: "Care team: key worker". */
  reasons: string[];
};

export type Caseload = { children: CaseloadChild[]; window: PageWindow };

const reasonInWords = (r: Relationship) => `${RELATIONSHIP_LABELS[r.kind]}: ${r.detail}`;

export async function myChildren(tx: Tx, actor: Actor, search: ChildCriteria | undefined, page: number): Promise<Caseload> {
  const decision = policy.viewCaseload(actor);
  if (!decision.allowed) throw new ForbiddenError(decision.reason);
  const mine = standingRelationshipSql(actor);
  const matching = search ? sql`(${sql.join(criteriaBranches(search).map((b) => sql`(${b})`), sql` OR `)})` : sql`true`;
  const [{ total }] = await rows<{ total: number }>(tx, sql`SELECT count(*)::int AS total FROM child c WHERE c.ics_id = ${actor.icsId}::uuid AND ${mine} AND ${matching}`);
  const window = pageWindow(total, page, CASELOAD_PAGE_SIZE);
  const listed = await rows<Omit<CaseloadChild, 'reasons'>>(tx, sql`
    SELECT c.id, c.nhs_number, c.given_name, c.family_name, c.date_of_birth::text AS date_of_birth
      FROM child c WHERE c.ics_id = ${actor.icsId}::uuid AND ${mine} AND ${matching}
     ORDER BY c.family_name_key COLLATE "C", c.given_name_key COLLATE "C", c.date_of_birth, c.id
     LIMIT ${window.size} OFFSET ${window.offset}`);
  const why = await relationshipsWithChildren(tx, actor, listed.map((c) => c.id));
  // Emergency access is never standing, so it is not a reason a child is on a caseload.
  const children = listed.map((c) => ({ ...c, reasons: (why.get(c.id) ?? []).filter((r) => r.kind !== 'break-glass').map(reasonInWords) }));
  await auditListedChildren(tx, actor, decision.why, children.map((c) => ({
    childId: c.id, action: 'child.caseload', what: 'Name, NHS number and age shown in My children',
    why: c.reasons[0] ?? decision.why, details: { page: window.page },
  })));
  return { children, window };
}
