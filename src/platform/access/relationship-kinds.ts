import type { SQL } from 'drizzle-orm';
import type { Actor } from './actor.js';

/**
 * How a professional (or a system) comes to have a legitimate relationship
 * with a child. Each is derived from data (registration, care team, cluster
 * leadership, a referral, an MDT case, an open action they own, an unexpired
 * break-glass), never ticked by hand. The capability that owns the data says
 * which of its rows relate whom (a RelationshipSupplier in its own folder);
 * this file only composes them. What each relationship opens is the policy's
 * to say, which is why the kinds and their names are the platform's.
 */
export type RelationshipKind =
  | 'registered-practice' | 'care-team' | 'cluster-lead' | 'referral' | 'mdt-case' | 'action-owner' | 'break-glass'
  | 'integration-engine' | 'organisation-feed'
  | 'virtual-ward'
  | FamilyRelationshipKind
  | 'advice-link';

/** A family member's relationships (issue 16): granted by a professional, never derived from care. */
export type FamilyRelationshipKind = 'proxy' | 'own-access';
export const FAMILY_RELATIONSHIP_KINDS: readonly RelationshipKind[] = ['proxy', 'own-access'];

/** What the family may see, as a grant lists it. */
export const FAMILY_VIEWS = ['appointments', 'plan', 'letters', 'advice', 'messages'] as const;
export type FamilyView = (typeof FAMILY_VIEWS)[number];

/**
 * The facts of one grant as they stand now, read with it (so the policy
 * decides from data, not from what a form claimed): its status and end, the
 * record's freeze and safeguarding flag, parental responsibility, the child's
 * age and the young person's competence and agreement.
 */
export type FamilyGrantFacts = {
  grantId: string;
  status: 'active' | 'suspended' | 'ended';
  expired: boolean;
  frozen: boolean;
  safeguarding: boolean;
  parentalResponsibility: boolean;
  corporateParent: boolean;
  maySee: FamilyView[];
  childAge: number;
  competent: boolean;
  youngPersonAgreed: boolean;
  /** A proxy past the ICS's review age, granted before it, with no review recorded with the young person's view. */
  reviewDue?: boolean;
  /** A proxy that may go on past 18: the young person (as an adult) consented, or a court appointed a deputy. */
  continuesPast18?: boolean;
};

/**
 * The facts of the one sending a link holder's link was made for, read with
 * it: whether the link has expired, whether a device has opened it, and
 * whether that device is the one asking.
 */
export type AdviceLinkFacts = { sendingId: string; expired: boolean; bound: boolean; thisDevice: boolean };

export type Relationship = { kind: RelationshipKind; detail: string; family?: FamilyGrantFacts; adviceLink?: AdviceLinkFacts };

export const RELATIONSHIP_LABELS: Record<RelationshipKind, string> = {
  'registered-practice': 'Registered practice',
  'care-team': 'Care team',
  'cluster-lead': 'Cluster lead paediatrician',
  referral: 'Referral or advice request to you, or your clinic',
  'mdt-case': 'MDT case discussion',
  'action-owner': 'Care plan or MDT action owner',
  'break-glass': 'Emergency access (break-glass)',
  'integration-engine': 'ICS integration engine',
  'organisation-feed': 'System of a caring organisation',
  'virtual-ward': 'Virtual ward caseload',
  proxy: 'Proxy access (parent or carer)',
  'own-access': 'Their own access (young person)',
  'advice-link': 'Holder of a one-time advice link',
};

/**
 * One capability's relationships with children, in SQL, so the door reads
 * them in one query and lists filter by them inside their own SQL.
 */
export type RelationshipSupplier = {
  /**
   * The kinds it supplies (each row names its own kind). A supplier of one
   * kind returns rows of that kind only: list filters rely on it.
   */
  kinds: readonly RelationshipKind[];
  /**
   * The actor's relationships with one child (`childId`, a uuid expression):
   * a query of `kind` and `detail` columns, one row per relationship; null
   * when this actor can have none of these.
   */
  withChild(actor: Actor, childId: SQL): SQL | null;
  /**
   * A predicate over a child row aliased `c`: the actor has a standing
   * (non-emergency) relationship of this kind. Null when it never gives one
   * to this actor. Lists use it, so paging counts only what may be seen.
   */
  standing(actor: Actor): SQL | null;
  /**
   * A supplier of family relationships: asked only for family actors (and
   * the only kind they are asked), its rows carry a `facts` json column.
   */
  family?: true;
  /** A supplier of the advice link holder's one relationship: asked only for link holders (and the only one they are asked), with a `facts` json column. */
  adviceLink?: true;
};
