import { sql } from 'drizzle-orm';
import { isSystem, type Actor } from '../platform/access/actor.js';
import type { RelationshipSupplier } from '../platform/access/relationship.js';

/**
 * The relationships the children capability's data shows: the child's
 * registered practice, their care team, and an unexpired emergency access.
 * Systems relate through their organisation: the practice the child is
 * registered with, or a care-team member from there; the ICS's integration
 * engine (no organisation) relates to every child of the ICS.
 */

export { childIdentities, childIdentity, childIdentitySql } from './store.js';

const PRACTICE_ROLES: readonly string[] = ['gp', 'practice-nurse'];

const organisationOf = (actor: Actor) => (isSystem(actor) ? actor.system.clientOrganisationId : undefined);

export const registration: RelationshipSupplier = {
  kinds: ['registered-practice', 'organisation-feed', 'integration-engine'],
  withChild(actor, childId) {
    if (isSystem(actor)) {
      const organisationId = organisationOf(actor);
      if (organisationId === null) return sql`SELECT 'integration-engine' AS kind, ${actor.name}::text AS detail FROM child rc WHERE rc.ics_id = ${actor.icsId}::uuid AND rc.id = ${childId}`;
      return sql`SELECT 'organisation-feed' AS kind, ${actor.name} || ' (registered practice)' AS detail FROM child rc
                  WHERE rc.ics_id = ${actor.icsId}::uuid AND rc.id = ${childId} AND rc.registered_practice_id = ${organisationId}::uuid`;
    }
    if (!PRACTICE_ROLES.includes(actor.role)) return null;
    return sql`SELECT 'registered-practice' AS kind, o.name AS detail
                 FROM child rc JOIN organisation o ON o.ics_id = rc.ics_id AND o.id = rc.registered_practice_id
                WHERE rc.ics_id = ${actor.icsId}::uuid AND rc.id = ${childId} AND rc.registered_practice_id = ${actor.organisationId}::uuid`;
  },
  standing(actor) {
    if (isSystem(actor)) {
      const organisationId = organisationOf(actor);
      return organisationId === null ? sql`true` : sql`c.registered_practice_id = ${organisationId}::uuid`;
    }
    return PRACTICE_ROLES.includes(actor.role) ? sql`c.registered_practice_id = ${actor.organisationId}::uuid` : null;
  },
};

/** A current place in the child's care team; ending the membership ends it. */
export const careTeam: RelationshipSupplier = {
  kinds: ['care-team', 'organisation-feed'],
  withChild(actor, childId) {
    if (isSystem(actor)) {
      const organisationId = organisationOf(actor);
      if (organisationId === null) return null;
      return sql`SELECT 'organisation-feed' AS kind, ${actor.name} || ' (care team: ' || m.role_in_team || ')' AS detail FROM care_team_member m
                   JOIN professional p ON p.ics_id = m.ics_id AND p.id = m.professional_id
                  WHERE m.ics_id = ${actor.icsId}::uuid AND m.child_id = ${childId} AND m.ended_at IS NULL AND p.organisation_id = ${organisationId}::uuid`;
    }
    return sql`SELECT 'care-team' AS kind, m.role_in_team AS detail FROM care_team_member m
                WHERE m.ics_id = ${actor.icsId}::uuid AND m.child_id = ${childId} AND m.professional_id = ${actor.professionalId}::uuid AND m.ended_at IS NULL`;
  },
  standing(actor) {
    if (isSystem(actor)) {
      const organisationId = organisationOf(actor);
      if (organisationId === null) return null;
      return sql`EXISTS (SELECT 1 FROM care_team_member m JOIN professional p ON p.ics_id = m.ics_id AND p.id = m.professional_id
                 WHERE m.ics_id = ${actor.icsId}::uuid AND m.ics_id = c.ics_id AND m.child_id = c.id AND m.ended_at IS NULL AND p.organisation_id = ${organisationId}::uuid)`;
    }
    // The ICS as a value too: beside other ways in (an OR), PostgreSQL may hash this subquery once for all children, where c.ics_id means nothing.
    return sql`EXISTS (SELECT 1 FROM care_team_member m WHERE m.ics_id = ${actor.icsId}::uuid AND m.ics_id = c.ics_id AND m.child_id = c.id
               AND m.professional_id = ${actor.professionalId}::uuid AND m.ended_at IS NULL)`;
  },
};

/** Emergency access the professional took, with its reason, until it expires. Never standing: lists do not offer it. */
export const breakGlass: RelationshipSupplier = {
  kinds: ['break-glass'],
  withChild(actor, childId) {
    if (isSystem(actor)) return null;
    return sql`SELECT 'break-glass' AS kind, b.reason AS detail FROM break_glass b
                WHERE b.ics_id = ${actor.icsId}::uuid AND b.child_id = ${childId} AND b.professional_id = ${actor.professionalId}::uuid AND b.expires_at > now()`;
  },
  standing: () => null,
};
