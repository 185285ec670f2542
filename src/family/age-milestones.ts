import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rows, type Database, type Tx } from '../platform/db/client.js';
import { settingsOfIcs } from './settings.js';
import { scheduledJobActor, type Actor } from '../platform/access/actor.js';
import { auditEachChild, checkedAccess, openEachChild, type ChildAccess, type ChildAudit } from '../platform/access/door.js';
import { ADULT_AT, AGE_MILESTONES_JOB, familyAccessPolicy, YOUNG_PERSON_DECIDES_AT } from '../platform/access/family-policy.js';
import type { ScheduledJob } from '../platform/jobs/job.js';
import { everyIcsId } from '../platform/jobs/every-ics.js';
import { londonToday } from '../platform/time/form-dates.js';
import { longDate } from '../platform/time/calendar-days.js';
import { familyMemberId } from './actors.js';
import { birthday } from './milestones.js';
import { agreedAtAge } from './relationship.js';
import { askToTellYoungPerson, withoutOwnAccess, type YoungPersonToTell } from './young-person-notices.js';

/**
 * The daily age milestones job (a ScheduledJob; `joinery jobs run
 * age-milestones --at …` runs it for any day). For each ICS, as the job's
 * own actor through the door, audited:
 * - at the ICS's review age (11 to 13), a proxy granted before that birthday
 *   pauses for review unless a professional recorded the review with the
 *   young person's view (from 90 days before the birthday on);
 * - at 16 a proxy pauses unless the young person agreed;
 * - at 18 it ends unless the young person, as an adult, consented or a court
 *   appointed a deputy;
 * - access (proxy or own) unused for 5 years is removed;
 * - 30 days before each milestone, proxies and young people with their own
 *   access get a notice on their family pages; a young person with no
 *   access of their own is told by their GP practice, asked through its
 *   worklist (young-person-notices.ts).
 * Every change is a history row; running twice for one day changes nothing
 * the second time. The door refuses past each milestone whether or not this
 * has run (H026, H044). A frozen record's grants wait for the freeze to lift.
 */

const BY = 'Age milestones';
const NOTICE_DAYS = 30;
const UNUSED_YEARS = 5;
/** A review counts for the review age from this many days before that birthday. */
export const REVIEW_WINDOW_DAYS = 90;

type Change = { grant_id: string; child_id: string; to: 'suspended' | 'ended'; reason: string; action: string };
type Counts = { review: number; sixteen: number; eighteen: number; unused: number; notices: number; practice: number };

const notFrozen = sql`NOT EXISTS (SELECT 1 FROM record_freeze f WHERE f.ics_id = g.ics_id AND f.child_id = g.child_id AND f.lifted_at IS NULL)`;
const ageOn = (day: string) => sql`extract(year FROM age(${day}::date, c.date_of_birth))`;

/** Proxies to change at a birthday in the ICS, as of `today`. */
async function milestoneChanges(tx: Tx, icsId: string, today: string, reviewAge: number): Promise<Change[]> {
  const proxies = sql`FROM family_access_grant g JOIN child c ON c.ics_id = g.ics_id AND c.id = g.child_id
    WHERE g.ics_id = ${icsId}::uuid AND g.kind = 'proxy' AND ${notFrozen}`;
  const eighteen = await rows<Change>(tx, sql`SELECT g.id AS grant_id, g.child_id, 'ended' AS to, 'Turned 18: proxy access ends' AS reason, 'family.milestone-end' AS action
    ${proxies} AND g.status <> 'ended' AND ${ageOn(today)} >= ${ADULT_AT}
      AND NOT EXISTS (SELECT 1 FROM family_access_review r WHERE r.ics_id = g.ics_id AND r.grant_id = g.id AND r.milestone = '18')`);
  const sixteen = await rows<Change>(tx, sql`SELECT g.id AS grant_id, g.child_id, 'suspended' AS to, 'Turned 16: paused until the young person agrees to it' AS reason,
      'family.milestone-pause' AS action
    ${proxies} AND g.status = 'active' AND ${ageOn(today)} >= ${YOUNG_PERSON_DECIDES_AT} AND ${ageOn(today)} < ${ADULT_AT} AND NOT ${agreedAtAge('g', 'c')}`);
  const review = await rows<Change>(tx, sql`SELECT g.id AS grant_id, g.child_id, 'suspended' AS to,
      ${`Turned ${reviewAge}: paused until a professional reviews it with the young person`} AS reason, 'family.milestone-review-pause' AS action
    ${proxies} AND g.status = 'active' AND ${ageOn(today)} >= ${reviewAge} AND ${ageOn(today)} < ${YOUNG_PERSON_DECIDES_AT}
      AND extract(year FROM age(g.granted_at::date, c.date_of_birth)) < ${reviewAge}
      AND NOT EXISTS (SELECT 1 FROM family_access_review r WHERE r.ics_id = g.ics_id AND r.grant_id = g.id AND r.milestone = 'review'
                        AND extract(year FROM age(r.recorded_at::date + ${REVIEW_WINDOW_DAYS}::int, c.date_of_birth)) >= ${reviewAge})`);
  return [...eighteen, ...sixteen, ...review];
}

/** Grants (proxy or own) not used for 5 years: granted before then, and no access by their holder to the child since. */
async function unusedGrants(tx: Tx, icsId: string, today: string): Promise<Change[]> {
  const old = await rows<{ grant_id: string; child_id: string; nhs_number: string }>(tx, sql`SELECT g.id AS grant_id, g.child_id, g.nhs_number
    FROM family_access_grant g WHERE g.ics_id = ${icsId}::uuid AND g.status <> 'ended' AND g.granted_at < ${today}::date - make_interval(years => ${UNUSED_YEARS}) AND ${notFrozen}`);
  if (!old.length) return [];
  // The holder's audit id is made from their NHS number (actors.ts), so it is worked out here, not in SQL.
  const holders = old.map((g) => ({ ...g, actor: familyMemberId(g.nhs_number) }));
  const used = await rows<{ child_id: string; professional_id: string }>(tx, sql`SELECT DISTINCT a.child_id, a.professional_id FROM audit_event a
    WHERE a.ics_id = ${icsId}::uuid AND a.professional_id = ANY(${sql.param(holders.map((h) => h.actor))}::uuid[]) AND a.child_id = ANY(${sql.param(holders.map((h) => h.child_id))}::uuid[])
      AND a.at >= ${today}::date - make_interval(years => ${UNUSED_YEARS})`);
  const seen = new Set(used.map((u) => `${u.child_id}:${u.professional_id}`));
  return holders.filter((h) => !seen.has(`${h.child_id}:${h.actor}`)).map((h) => ({
    grant_id: h.grant_id, child_id: h.child_id, to: 'ended', reason: `Not used for ${UNUSED_YEARS} years: removed`, action: 'family.unused-removed',
  }));
}

/** Changes one grant if it still stands as the change expects (so a second run finds nothing), with its history row. */
async function applyChange(tx: Tx, access: ChildAccess, c: Change): Promise<boolean> {
  const { actor, childId } = checkedAccess(tx, access);
  const changed = await rows<{ ics_id: string; may_see: string[]; ends_on: string | null }>(tx, sql`UPDATE family_access_grant
      SET status = ${c.to}, status_reason = ${c.reason}, version = version + 1
    WHERE ics_id = ${actor.icsId}::uuid AND id = ${c.grant_id}::uuid AND child_id = ${childId}::uuid AND status ${c.to === 'ended' ? sql`<> 'ended'` : sql`= 'active'`}
    RETURNING ics_id, may_see, ends_on`);
  if (!changed.length) return false;
  await tx.execute(sql`INSERT INTO family_access_event (ics_id, id, grant_id, by_name, change, status, may_see, ends_on, reason)
    VALUES (${changed[0].ics_id}::uuid, ${crypto.randomUUID()}::uuid, ${c.grant_id}::uuid, ${BY}, ${c.to}, ${c.to},
            ${sql.param(changed[0].may_see)}::text[], ${changed[0].ends_on}::date, ${c.reason})`);
  return true;
}

type NoticeDue = {
  grant_id: string; child_id: string; kind: 'proxy' | 'own-access'; milestone: number; on_day: string; given_name: string; date_of_birth: string; granted_by: string;
};

/** Milestones falling in the next 30 days, for each live grant they concern: proxies all three, a young person's own access 16 and 18. */
async function noticesDue(tx: Tx, icsId: string, today: string, reviewAge: number): Promise<NoticeDue[]> {
  const candidates = await rows<Omit<NoticeDue, 'milestone' | 'on_day'> & { granted_on: string }>(tx, sql`SELECT g.id AS grant_id, g.child_id, g.kind, g.granted_by,
      c.given_name, to_char(c.date_of_birth, 'YYYY-MM-DD') AS date_of_birth, to_char(g.granted_at, 'YYYY-MM-DD') AS granted_on
    FROM family_access_grant g JOIN child c ON c.ics_id = g.ics_id AND c.id = g.child_id
    WHERE g.ics_id = ${icsId}::uuid AND g.status <> 'ended' AND c.date_of_birth > ${today}::date - make_interval(years => ${ADULT_AT}) AND ${notFrozen}
    ORDER BY g.id`);
  const last = new Date(`${today}T00:00:00Z`);
  last.setUTCDate(last.getUTCDate() + NOTICE_DAYS);
  const until = last.toISOString().slice(0, 10);
  return candidates.flatMap((g) => {
    const ages = g.kind === 'proxy' ? [reviewAge, YOUNG_PERSON_DECIDES_AT, ADULT_AT] : [YOUNG_PERSON_DECIDES_AT, ADULT_AT];
    return ages.map((milestone) => ({ ...g, milestone, on_day: birthday(g.date_of_birth, milestone) }))
      // A proxy granted after the review age was decided then: no review, no notice of one.
      .filter((n) => n.on_day > today && n.on_day <= until && !(n.milestone === reviewAge && n.kind === 'proxy' && g.granted_on >= n.on_day));
  });
}

/** What the notice says, in the family's words. */
export function noticeText(n: Pick<NoticeDue, 'kind' | 'milestone' | 'on_day' | 'given_name'>, reviewAge: number): string {
  const when = longDate(n.on_day);
  if (n.kind === 'own-access') {
    if (n.milestone !== ADULT_AT && n.milestone !== YOUNG_PERSON_DECIDES_AT) {
      return `You turn ${n.milestone} on ${when}. Your GP practice will talk with you about what your parents or carers can see of your information here. Their access will pause that day until it has been reviewed with you.`;
    }
    return n.milestone === ADULT_AT
      ? `You turn 18 on ${when}. Your parents’ or carers’ access to your information here will end then, unless you tell your GP practice you want it to carry on.`
      : `You turn 16 on ${when}. From then you decide whether your parents or carers can still see your information here. Their access will pause unless you tell your GP practice you agree to it.`;
  }
  if (n.milestone === ADULT_AT) {
    return `${n.given_name} turns 18 on ${when}. Your access to their information will end that day, unless ${n.given_name} tells their GP practice they want it to carry on, or a court has appointed you as their deputy (tell the practice).`;
  }
  if (n.milestone === YOUNG_PERSON_DECIDES_AT) {
    return `${n.given_name} turns 16 on ${when}. From then ${n.given_name} decides who sees their information. Your access will pause that day unless ${n.given_name} tells their GP practice they agree to it.`;
  }
  return `${n.given_name} turns ${reviewAge} on ${when}. Their GP practice will review your access with ${n.given_name} around then. If it has not been reviewed by that day, your access will pause until it is.`;
}

async function sendNotice(tx: Tx, access: ChildAccess, n: NoticeDue, reviewAge: number): Promise<boolean> {
  const { actor, childId } = checkedAccess(tx, access);
  const sent = await rows(tx, sql`INSERT INTO family_notice (ics_id, id, grant_id, child_id, milestone, milestone_on, body)
    VALUES (${actor.icsId}::uuid, ${crypto.randomUUID()}::uuid, ${n.grant_id}::uuid, ${childId}::uuid, ${n.milestone}, ${n.on_day}::date, ${noticeText(n, reviewAge)})
    ON CONFLICT (ics_id, grant_id, milestone, milestone_on) DO NOTHING RETURNING id`);
  return sent.length === 1;
}

/**
 * The young people to tell of a milestone of their parents' access who have
 * no access of their own to be sent a notice: one each per milestone,
 * however many proxies it concerns.
 */
async function youngPeopleToTell(tx: Tx, icsId: string, notices: NoticeDue[], reviewAge: number): Promise<YoungPersonToTell[]> {
  const proxies = notices.filter((n) => n.kind === 'proxy');
  const unreachable = await withoutOwnAccess(tx, icsId, [...new Set(proxies.map((n) => n.child_id))]);
  const byMilestone = new Map<string, YoungPersonToTell>();
  for (const n of proxies) {
    if (!unreachable.has(n.child_id)) continue;
    const key = `${n.child_id}:${n.milestone}`;
    const found = byMilestone.get(key);
    if (found) found.granted_by.push(n.granted_by);
    else byMilestone.set(key, { ...n, body: noticeText({ ...n, kind: 'own-access' }, reviewAge), granted_by: [n.granted_by] });
  }
  return [...byMilestone.values()];
}

/** The age milestones for one ICS on `today` (its tenant transaction), as the job's actor. */
export async function applyAgeMilestones(tx: Tx, actor: Actor, today: string): Promise<Counts> {
  const { reviewAge } = await settingsOfIcs(tx, actor.icsId);
  const changes = [...(await milestoneChanges(tx, actor.icsId, today, reviewAge)), ...(await unusedGrants(tx, actor.icsId, today))];
  const notices = await noticesDue(tx, actor.icsId, today, reviewAge);
  const counts: Counts = { review: 0, sixteen: 0, eighteen: 0, unused: 0, notices: 0, practice: 0 };
  const doors = await openEachChild(tx, actor, [...changes, ...notices].map((x) => x.child_id), {
    rule: familyAccessPolicy.applyAgeMilestones, refused: 'apply the age milestones of family access',
  });
  const audits: { access: ChildAccess; entry: ChildAudit }[] = [];
  for (const c of changes) {
    const access = doors.get(c.child_id);
    // A grant can be due twice in one day (paused at 16 and unused): both apply now, so a second run finds nothing; an ended one stays ended.
    if (!access || access instanceof Error || !(await applyChange(tx, access, c))) continue;
    const key = c.action === 'family.milestone-end' ? 'eighteen' : c.action === 'family.milestone-pause' ? 'sixteen' : c.action === 'family.unused-removed' ? 'unused' : 'review';
    counts[key] += 1;
    audits.push({ access, entry: { action: c.action, what: `Family access ${c.to}: ${c.reason}`, details: { grantId: c.grant_id } } });
  }
  for (const n of notices) {
    const access = doors.get(n.child_id);
    if (!access || access instanceof Error || !(await sendNotice(tx, access, n, reviewAge))) continue;
    counts.notices += 1;
    audits.push({ access, entry: { action: 'family.milestone-notice', what: `Notice sent to the ${n.kind === 'proxy' ? 'proxy' : 'young person'}: turns ${n.milestone} on ${n.on_day}`, details: { grantId: n.grant_id } } });
  }
  for (const t of await youngPeopleToTell(tx, actor.icsId, notices, reviewAge)) {
    const access = doors.get(t.child_id);
    if (!access || access instanceof Error || !(await askToTellYoungPerson(tx, access, t))) continue;
    counts.practice += 1;
    audits.push({ access, entry: { action: 'family.milestone-tell-young-person', what: `GP practice asked to tell the young person: turns ${t.milestone} on ${t.on_day}`, details: { milestone: t.milestone } } });
  }
  await auditEachChild(tx, audits);
  return counts;
}

/** The job itself: every ICS, for the day `now` falls on in London. */
export function ageMilestonesJob(db: Database): ScheduledJob {
  return {
    name: AGE_MILESTONES_JOB,
    everyMinutes: 24 * 60,
    async run(now: Date): Promise<string> {
      const today = londonToday(now);
      const icss = await everyIcsId(db);
      const total: Counts = { review: 0, sixteen: 0, eighteen: 0, unused: 0, notices: 0, practice: 0 };
      for (const id of icss) {
        const counts = await db.tenant(id, (tx) => applyAgeMilestones(tx, scheduledJobActor(id, AGE_MILESTONES_JOB, 'Scheduled job: age milestones'), today));
        for (const k of Object.keys(total) as (keyof Counts)[]) total[k] += counts[k];
      }
      return `${today}, ${icss.length} ICS: ${total.review} paused for review, ${total.sixteen} paused at 16, ${total.eighteen} ended at 18, `
        + `${total.unused} removed after 5 years unused, ${total.notices} notices sent, ${total.practice} young people to be told by their practice`;
    },
  };
}
