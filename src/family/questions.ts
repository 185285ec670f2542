import crypto from 'node:crypto';
import { z } from 'zod';
import { sql } from 'drizzle-orm';
import { rows, type Database, type Tx } from '../platform/db/client.js';
import { settingsOfIcs } from './settings.js';
import type { Actor } from '../platform/access/actor.js';
import { auditChild, checkedAccess, openChild, type ChildAccess } from '../platform/access/door.js';
import { familyAccessPolicy, familyPolicy, usableGrant } from '../platform/access/family-policy.js';
import { recordedWhileFrozen, refuseChangeWhileFrozen } from '../platform/access/freeze.js';
import { NotFoundError } from '../platform/http/errors.js';
import { parseInput } from '../platform/http/validate.js';
import type { FamilyMember } from '../platform/http/family-session.js';
import { addWorkingDays } from '../platform/time/working-days.js';
import { londonToday, londonToUtc } from '../platform/time/form-dates.js';
import { addToWorklists, doneForEveryone } from '../worklist/service.js';
import { inFamilyTenant } from './actors.js';

/**
 * Questions from a family to the care team about one child: a thread the
 * family starts, answered by a professional of the care team (or the
 * registered practice) within the ICS's stated working days. Each question
 * lands on the care team's worklists with its due date, so one left
 * unanswered past it shows there as overdue (H028). A parent's threads and
 * a young person's own are kept apart: neither sees the other's.
 */

export type Thread = {
  id: string; subject: string; asked_at: string; answer_due_at: string; answered_at: string | null; kind: 'proxy' | 'own-access';
  messages: { from_family: boolean; author_name: string; author_role: string; body: string; sent_at: string }[];
};

/**
 * A thread's columns. For a parent or carer, a professional's message sent
 * while the record was frozen is left out, like everything else recorded
 * then (H096); the care team sees the whole thread.
 */
const threadColumns = (icsId: string, forProxy: boolean) => {
  const shown = forProxy ? sql`AND (m.from_family OR NOT ${recordedWhileFrozen('m', sql`q.child_id`, sql`m.sent_at`, icsId)})` : sql``;
  // Answered, for a parent, when an answer they may read was sent.
  const answeredAt = forProxy
    ? sql`(SELECT min(m.sent_at) FROM family_message m WHERE m.ics_id = q.ics_id AND m.question_id = q.id AND NOT m.from_family ${shown})`
    : sql`q.answered_at`;
  return sql`q.id, q.subject, q.asked_at, q.answer_due_at, ${answeredAt} AS answered_at, g.kind,
  coalesce((SELECT json_agg(json_build_object('from_family', m.from_family, 'author_name', m.author_name, 'author_role', m.author_role,
    'body', m.body, 'sent_at', m.sent_at) ORDER BY m.sent_at, m.id) FROM family_message m WHERE m.ics_id = q.ics_id AND m.question_id = q.id ${shown}), '[]'::json) AS messages`;
};

/** The family member's threads for the child: a proxy's those asked under proxy access, a young person's their own. */
export function familyThreads(tx: Tx, access: ChildAccess): Promise<Thread[]> {
  const { actor, childId } = checkedAccess(tx, access);
  const r = usableGrant(access.actor, access.relationships, 'messages');
  const kind = typeof r === 'string' ? 'none' : r.kind;
  return rows(tx, sql`SELECT ${threadColumns(actor.icsId, kind !== 'own-access')} FROM family_question q JOIN family_access_grant g ON g.ics_id = q.ics_id AND g.id = q.grant_id
     WHERE q.ics_id = ${actor.icsId}::uuid AND q.child_id = ${childId}::uuid AND g.kind = ${kind} ORDER BY q.asked_at DESC`);
}

export async function responseDays(tx: Tx, icsId: string): Promise<number> {
  return (await settingsOfIcs(tx, icsId)).responseWorkingDays;
}

/** Who answers: the child's care team; with none, the GPs and nurses of the registered practice. */
async function answerers(tx: Tx, access: ChildAccess): Promise<string[]> {
  const { actor, childId } = checkedAccess(tx, access);
  const found = await rows<{ id: string }>(tx, sql`SELECT DISTINCT m.professional_id AS id FROM care_team_member m
     WHERE m.ics_id = ${actor.icsId}::uuid AND m.child_id = ${childId}::uuid AND m.ended_at IS NULL`);
  if (found.length) return found.map((p) => p.id);
  const practice = await rows<{ id: string }>(tx, sql`SELECT p.id FROM child c JOIN professional p ON p.ics_id = c.ics_id AND p.organisation_id = c.registered_practice_id
     WHERE c.ics_id = ${actor.icsId}::uuid AND c.id = ${childId}::uuid AND p.role IN ('gp', 'practice-nurse') AND p.active`);
  return practice.map((p) => p.id);
}

const askInput = z.object({
  subject: z.string({ error: 'Enter what your question is about' }).trim().min(1, 'Enter what your question is about').max(120, 'Use 120 characters or fewer'),
  message: z.string({ error: 'Enter your question' }).trim().min(1, 'Enter your question').max(2000, 'Use 2000 characters or fewer'),
});

export const questionLink = (childId: string, questionId: string) => `/children/${childId}/family-access/questions/${questionId}`;

/** The question form, for a family member who may ask: the working days the care team aims to answer in. */
export async function questionForm(db: Database, member: FamilyMember, childId: string): Promise<number> {
  return inFamilyTenant(db, member, async (tx, actor) => {
    await openChild(tx, actor, childId, { rule: familyPolicy.askQuestion, refused: 'ask the care team a question' });
    return responseDays(tx, actor.icsId);
  });
}

/** A family member asks the care team; returns the working days the answer is promised in. */
export async function askQuestion(db: Database, member: FamilyMember, childId: string, body: unknown): Promise<{ days: number }> {
  const input = parseInput(askInput, body);
  return inFamilyTenant(db, member, async (tx, actor) => {
    const access = await openChild(tx, actor, childId, { rule: familyPolicy.askQuestion, refused: 'ask the care team a question' });
    const grant = usableGrant(actor, access.relationships, 'messages');
    if (typeof grant === 'string') throw new Error('the door let through a family member with no usable grant');
    const days = await responseDays(tx, actor.icsId);
    const dueOn = addWorkingDays(londonToday(), days);
    const id = crypto.randomUUID();
    await tx.execute(sql`INSERT INTO family_question (ics_id, id, child_id, grant_id, subject, answer_due_at)
      VALUES (${actor.icsId}::uuid, ${id}::uuid, ${childId}::uuid, ${grant.family!.grantId}::uuid, ${input.subject}, ${londonToUtc(dueOn, 17, 0)}::timestamptz)`);
    await insertMessage(tx, actor.icsId, id, { fromFamily: true, name: actor.name, role: grant.kind === 'proxy' ? `Parent or carer (${grant.detail})` : 'The young person', professionalId: null, body: input.message });
    await addToWorklists(tx, actor.icsId, (await answerers(tx, access)).map((professionalId) => ({
      professionalId, kind: 'family-question', childId, title: `A question from the family: ${input.subject}`,
      link: questionLink(childId, id), details: { dueOn, questionId: id },
    })));
    await auditChild(tx, access, { action: 'family.ask-question', what: `Question to the care team: ${input.subject}` });
    return { days };
  });
}

async function insertMessage(tx: Tx, icsId: string, questionId: string, m: { fromFamily: boolean; name: string; role: string; professionalId: string | null; body: string }) {
  await tx.execute(sql`INSERT INTO family_message (ics_id, id, question_id, from_family, author_name, author_role, professional_id, body)
    VALUES (${icsId}::uuid, ${crypto.randomUUID()}::uuid, ${questionId}::uuid, ${m.fromFamily}, ${m.name}, ${m.role}, ${m.professionalId}::uuid, ${m.body})`);
}

async function threadOf(tx: Tx, access: ChildAccess, questionId: string): Promise<Thread> {
  const { actor, childId } = checkedAccess(tx, access);
  const [found] = await rows<Thread>(tx, sql`SELECT ${threadColumns(actor.icsId, false)} FROM family_question q JOIN family_access_grant g ON g.ics_id = q.ics_id AND g.id = q.grant_id
     WHERE q.ics_id = ${actor.icsId}::uuid AND q.child_id = ${childId}::uuid AND q.id = ${questionId}::uuid`);
  if (!found) throw new NotFoundError();
  return found;
}

/** A thread as the care team sees it, with whether this professional may answer. */
export async function questionThread(tx: Tx, actor: Actor, childId: string, questionId: string) {
  const access = await openChild(tx, actor, childId, { rule: familyAccessPolicy.viewFamilyAccess, refused: 'a family’s question' });
  const thread = await threadOf(tx, access, questionId);
  await auditChild(tx, access, { action: 'family.read-question', what: `Family question: ${thread.subject}` });
  return { child: access.child, thread, canAnswer: familyAccessPolicy.answerFamilyQuestion(actor, access.relationships).allowed };
}

/** The child's questions still waiting for an answer, oldest first, for the family access page. */
export function openQuestionsOf(tx: Tx, access: ChildAccess): Promise<{ id: string; subject: string; answer_due_at: string; overdue: boolean }[]> {
  const { actor, childId } = checkedAccess(tx, access);
  return rows(tx, sql`SELECT id, subject, answer_due_at, answer_due_at < now() AS overdue FROM family_question
     WHERE ics_id = ${actor.icsId}::uuid AND child_id = ${childId}::uuid AND answered_at IS NULL ORDER BY asked_at`);
}

const answerInput = z.object({ answer: z.string({ error: 'Enter your answer' }).trim().min(1, 'Enter your answer').max(4000, 'Use 4000 characters or fewer') });

export async function answerQuestion(tx: Tx, actor: Actor, childId: string, questionId: string, body: unknown): Promise<void> {
  const input = parseInput(answerInput, body);
  const access = await openChild(tx, actor, childId, { rule: familyAccessPolicy.answerFamilyQuestion, refused: 'answer a family’s question' });
  await refuseChangeWhileFrozen(tx, access, 'answer a family’s question');
  const thread = await threadOf(tx, access, questionId);
  await insertMessage(tx, actor.icsId, questionId, { fromFamily: false, name: actor.name, role: actor.organisationName, professionalId: actor.professionalId, body: input.answer });
  await tx.execute(sql`UPDATE family_question SET answered_at = coalesce(answered_at, ${new Date().toISOString()}::timestamptz) WHERE ics_id = ${actor.icsId}::uuid AND id = ${questionId}::uuid`);
  await doneForEveryone(tx, actor.icsId, questionLink(childId, questionId));
  await auditChild(tx, access, { action: 'family.answer-question', what: `Answered the family’s question: ${thread.subject}` });
}
