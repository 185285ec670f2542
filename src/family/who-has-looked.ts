import { sql } from 'drizzle-orm';
import { rows, type Database } from '../platform/db/client.js';
import { settingsOfIcs } from './settings.js';
import { auditChild, checkedAccess, openChild } from '../platform/access/door.js';
import { familyPolicy } from '../platform/access/family-policy.js';
import { ROLES } from '../platform/access/roles.js';
import { RELATIONSHIP_LABELS } from '../platform/access/relationship-kinds.js';
import type { FamilyMember } from '../platform/http/family-session.js';
import { pageWindow, type PageWindow } from '../platform/http/paging.js';
import { familyMemberId, inFamilyTenant } from './actors.js';

/**
 * "Who has looked at my record", for a young person with their own access:
 * from the audit, in plain words, newest first, a page at a time. Each look
 * says who by role and organisation (and name, unless the ICS hides staff
 * names), and what in general words, never the audit's own wording (which can
 * name an entry the young person is not shown). A parent's or carer's look is
 * named as theirs, never as a professional's. Left out: the young person's
 * own looks, refusals, the scheduled jobs (they look at no one), children's
 * social care, and anything while the record was frozen (decision record 0015).
 */

export const LOOKS_PER_PAGE = 20;

export type Look = { at: string; who: string; what: string; emergency: boolean };

/** The general words for what was looked at, by the audit action's first part. */
const WHAT: Record<string, string> = {
  child: 'Your details and summary', record: 'Your health record', careplan: 'Your care plan', task: 'Actions in your care plan',
  mdt: 'A team meeting about your care', referral: 'A referral or request for advice about you', clinic: 'Your clinic appointments',
  ward: 'Your care at home', family: 'Your information on the family pages', consent: 'Your choices about sharing your information',
  fhir: 'Your record, through a connected computer system', privacy: 'A check on who has looked at your record', 'care-team': 'Your care team',
};

type Row = { at: string; professional_id: string | null; role: string | null; actor_name: string | null; organisation_name: string | null; action: string; why: string | null };

function who(r: Row, hideNames: boolean, parents: Map<string, string>): string {
  if (r.role === 'family') return parents.get(r.professional_id ?? '') ?? 'A parent or carer with access to your information';
  if (r.role === 'system') return `A computer system of ${r.organisation_name ?? 'a care organisation'}`;
  const role = ROLES[r.role as keyof typeof ROLES] ?? 'Staff';
  const where = r.organisation_name ? `, ${r.organisation_name}` : '';
  return hideNames || !r.actor_name ? `${role}${where}` : `${r.actor_name} (${role}${where})`;
}

export async function whoHasLooked(db: Database, member: FamilyMember, childId: string, requestedPage: number): Promise<{ looks: Look[]; window: PageWindow }> {
  return inFamilyTenant(db, member, async (tx, actor) => {
    const access = await openChild(tx, actor, childId, { rule: familyPolicy.viewWhoHasLooked, refused: 'who has looked at my record' });
    checkedAccess(tx, access);
    const { hideStaffNames } = await settingsOfIcs(tx, actor.icsId);
    const proxies = await rows<{ nhs_number: string; relationship: string | null }>(tx, sql`SELECT g.nhs_number, crp.relationship FROM family_access_grant g
      LEFT JOIN child_related_person crp ON crp.ics_id = g.ics_id AND crp.child_id = g.child_id AND crp.related_person_id = g.related_person_id
      WHERE g.child_id = ${childId}::uuid AND g.kind = 'proxy'`);
    const parents = new Map(proxies.map((p) => [familyMemberId(p.nhs_number), `Your ${p.relationship ?? 'parent or carer'} (they have access to your information)`]));
    const shown = sql`FROM audit_event a LEFT JOIN organisation o ON o.ics_id = a.ics_id AND o.id = a.organisation_id
      WHERE a.child_id = ${childId}::uuid AND a.action <> 'child.access-refused' AND a.professional_id IS DISTINCT FROM ${actor.professionalId}::uuid
        AND a.role IS DISTINCT FROM 'scheduled-job' AND o.kind IS DISTINCT FROM 'childrens-social-care'
        AND NOT EXISTS (SELECT 1 FROM record_freeze f WHERE f.ics_id = a.ics_id AND f.child_id = a.child_id AND a.at >= f.frozen_at AND (f.lifted_at IS NULL OR a.at < f.lifted_at))`;
    const [{ total }] = await rows<{ total: number }>(tx, sql`SELECT count(*)::int AS total ${shown}`);
    const window = pageWindow(total, requestedPage, LOOKS_PER_PAGE);
    const found = await rows<Row>(tx, sql`SELECT a.at, a.professional_id, a.role, a.actor_name, o.name AS organisation_name, a.action, a.why
      ${shown} ORDER BY a.at DESC, a.id DESC LIMIT ${window.size} OFFSET ${window.offset}`);
    await auditChild(tx, access, { action: 'family.view-who-has-looked', what: `Who has looked at my record, page ${window.page}` });
    return {
      window,
      looks: found.map((r) => ({
        at: r.at, who: who(r, hideStaffNames, parents), emergency: r.action === 'child.break-glass' || (r.why ?? '').startsWith(RELATIONSHIP_LABELS['break-glass']),
        what: r.role !== 'family' && r.action.startsWith('family.') ? 'Who can see your information online' : WHAT[r.action.split('.')[0]] ?? 'Your information',
      })),
    };
  });
}
