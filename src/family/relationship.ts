import { sql, type SQL } from 'drizzle-orm';
import { isFamily, type Actor } from '../platform/access/actor.js';
import { YOUNG_PERSON_AGREES_FROM } from '../platform/access/family-policy.js';
import type { RelationshipSupplier } from '../platform/access/relationship.js';

/**
 * A family member's relationships with a child: the proxy or own-access
 * grants a professional recorded for their NHS number and date of birth, as
 * NHS login verified them. Each row carries the grant's facts as they stand
 * now (status, end, the record's freeze and safeguarding flag, parental
 * responsibility, age, competence), which the family policy decides from.
 * Own access holds only while the grant's identity is the child's own.
 */

/**
 * A proxy past the ICS's review age (and under 16), granted before that
 * birthday, with no review recorded from 90 days before it on: the door
 * pauses it whether or not the age milestones job has run.
 */
// Each subquery is given the ICS as well as tied to the grant's: beside the subqueries given it as a value, one tied only to
// g.ics_id is a join Citus refuses (decision 0029, third trial).
const reviewDue = (icsId: string) => sql`g.kind = 'proxy' AND EXISTS (SELECT 1 FROM (SELECT coalesce((SELECT s.review_age FROM family_setting s WHERE s.ics_id = ${icsId}::uuid AND s.ics_id = g.ics_id), 13) AS ra) rs
    WHERE extract(year FROM age(current_date, fc.date_of_birth)) >= rs.ra AND extract(year FROM age(current_date, fc.date_of_birth)) < 16
      AND extract(year FROM age(g.granted_at::date, fc.date_of_birth)) < rs.ra
      AND NOT EXISTS (SELECT 1 FROM family_access_review r WHERE r.ics_id = ${icsId}::uuid AND r.ics_id = g.ics_id AND r.grant_id = g.id AND r.milestone = 'review'
                        AND extract(year FROM age(r.recorded_at::date + 90, fc.date_of_birth)) >= rs.ra))`;

/** The young person's agreement to a proxy past 16, recorded when they were old enough to give it (H095). */
export const agreedAtAge = (grant: string, child: string) => sql`coalesce(extract(year FROM age(${sql.raw(grant)}.young_person_agreed_on, ${sql.raw(child)}.date_of_birth)) >= ${YOUNG_PERSON_AGREES_FROM}, false)`;

/**
 * The grants of this family member for the child `childId` (a uuid expression), newest first. The EXISTS look-ups
 * name the actor's ICS as a value, not g.ics_id: PostgreSQL may run them as a hashed subquery, whose plan no longer
 * shows the correlation, and Citus routes them to one shard either way (g is pinned to the same ICS).
 */
export function grantsOf(actor: Actor & { family: { nhsNumber: string; birthdate: string } }, childId: SQL): SQL {
  return sql`SELECT g.kind,
      CASE WHEN g.kind = 'own-access' THEN 'themself' ELSE coalesce(crp.relationship, 'carer') END AS detail,
      json_build_object(
        'grantId', g.id,
        'status', g.status,
        'expired', coalesce(g.ends_on < current_date, false),
        'frozen', EXISTS (SELECT 1 FROM record_freeze f WHERE f.ics_id = ${actor.icsId}::uuid AND f.child_id = g.child_id AND f.lifted_at IS NULL),
        'safeguarding', EXISTS (SELECT 1 FROM child_flag cf WHERE cf.ics_id = ${actor.icsId}::uuid AND cf.child_id = g.child_id
                                  AND cf.kind = 'child-protection-plan' AND (cf.ended_on IS NULL OR cf.ended_on > current_date)),
        'parentalResponsibility', g.kind = 'proxy' AND CASE WHEN g.basis = 'corporate-parent'
            THEN EXISTS (SELECT 1 FROM child_flag la WHERE la.ics_id = ${actor.icsId}::uuid AND la.child_id = g.child_id
                           AND la.kind = 'looked-after' AND (la.ended_on IS NULL OR la.ended_on > current_date))
            ELSE coalesce(crp.parental_responsibility, false) END,
        'corporateParent', coalesce(g.basis = 'corporate-parent', false),
        'maySee', g.may_see,
        'childAge', extract(year FROM age(current_date, fc.date_of_birth))::int,
        'competent', coalesce((SELECT ca.outcome = 'competent' FROM competence_assessment ca
                                WHERE ca.ics_id = ${actor.icsId}::uuid AND ca.ics_id = g.ics_id AND ca.child_id = g.child_id AND ca.decision = 'own-access'
                                ORDER BY ca.assessed_at DESC LIMIT 1), false),
        'youngPersonAgreed', ${agreedAtAge('g', 'fc')},
        'reviewDue', ${reviewDue(actor.icsId)},
        'continuesPast18', EXISTS (SELECT 1 FROM family_access_review r WHERE r.ics_id = ${actor.icsId}::uuid AND r.grant_id = g.id AND r.milestone = '18')
      ) AS facts
    FROM family_access_grant g
    JOIN child fc ON fc.ics_id = g.ics_id AND fc.id = g.child_id
    LEFT JOIN child_related_person crp ON crp.ics_id = g.ics_id AND crp.child_id = g.child_id AND crp.related_person_id = g.related_person_id
   WHERE g.ics_id = ${actor.icsId}::uuid AND g.child_id = ${childId} AND g.nhs_number = ${actor.family.nhsNumber} AND g.date_of_birth = ${actor.family.birthdate}::date
     AND (g.kind = 'proxy' OR (fc.nhs_number = g.nhs_number AND fc.date_of_birth = g.date_of_birth))
   ORDER BY (g.status = 'active') DESC, g.granted_at DESC`;
}

export const familyGrants: RelationshipSupplier = {
  kinds: ['proxy', 'own-access'],
  family: true,
  withChild: (actor, childId) => (isFamily(actor) ? grantsOf(actor, childId) : null),
  standing(actor) {
    if (!isFamily(actor)) return null;
    return sql`EXISTS (SELECT 1 FROM family_access_grant g WHERE g.ics_id = c.ics_id AND g.child_id = c.id AND g.status <> 'ended'
               AND g.nhs_number = ${actor.family.nhsNumber} AND g.date_of_birth = ${actor.family.birthdate}::date)`;
  },
};
