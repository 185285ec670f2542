import { sql } from 'drizzle-orm';
import { rows, type Database } from '../platform/db/client.js';
import { auditListedChildren } from '../platform/access/door.js';
import type { FamilyMember } from '../platform/http/family-session.js';
import { londonToday } from '../platform/time/form-dates.js';
import { familyActors } from './actors.js';

/**
 * The notices the age milestones job sent this family member (to their own
 * grants: as a proxy, or a young person's own access), for their family
 * home page: those about milestones from 30 days ago on. Each one shown is
 * audited against the child it is about.
 */

export type FamilyNotice = { id: string; child_id: string; body: string; sent_at: string; milestone_on: string };

export async function familyNotices(db: Database, member: FamilyMember): Promise<FamilyNotice[]> {
  if (member.identityLevel !== 'P9') return [];
  const out: FamilyNotice[] = [];
  for (const actor of await familyActors(db, member)) {
    await db.tenant(actor.icsId, async (tx) => {
      const found = await rows<FamilyNotice>(tx, sql`SELECT n.id, n.child_id, n.body, n.sent_at, to_char(n.milestone_on, 'YYYY-MM-DD') AS milestone_on
        FROM family_notice n JOIN family_access_grant g ON g.ics_id = n.ics_id AND g.id = n.grant_id
        WHERE g.ics_id = ${actor.icsId}::uuid AND g.nhs_number = ${member.nhsNumber} AND g.date_of_birth = ${member.birthdate}::date
          AND n.milestone_on >= ${londonToday()}::date - 30
        ORDER BY n.milestone_on, n.id LIMIT 20`);
      await auditListedChildren(tx, actor, 'A notice to this family member about their own access', found.map((n) => ({
        childId: n.child_id, action: 'family.read-notice', what: 'Notice about an age milestone (family home page)', details: { noticeId: n.id },
      })));
      out.push(...found);
    });
  }
  return out;
}
