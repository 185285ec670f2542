import type { Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import type { Relationship } from '../platform/access/relationship.js';
import { ValidationError } from '../platform/http/errors.js';

/**
 * Advice pages sent to the family with an MDT outcome (issue 18): the same
 * pages and checks as from the child's page, sent by the advice service
 * itself (its age bands, review dates and audit), with the case named. The
 * population's case finding brings children to MDTs and the advice figures
 * stand on the population, so MDT cannot import advice: the composition root
 * (src/app.ts) hands the advice service's own functions over at start.
 */

/** A page offered for the child's age: what the form shows and posts back. */
export type AdviceOffer = { choice: string; title: string; band: string; version: number };

/** The advice service's functions MDT uses, as src/app.ts hands them over. */
export type AdviceService = {
  maySendAdvice(actor: Actor, relationships: Relationship[]): boolean;
  offersFor(tx: Tx, icsId: string, dateOfBirth: string, today: string): Promise<AdviceOffer[]>;
  choosesPages(input: { pages?: unknown }): boolean;
  sendAdvice(tx: Tx, actor: Actor, childId: string, input: { pages?: unknown; note?: unknown }, where: { source: 'mdt'; mdtCaseId: string }, today: string): Promise<SentAdvice>;
  familyLinkOf(publicUrl: string, heading: string, made: SentAdvice): FamilyLink;
};

/** Advice sent with the outcome: what, and the family's one-time link (its token shown once, never kept). */
export type SentAdvice = { titles: string[]; token: string; expiresAt: Date };
export type FamilyLink = { heading: string; url: string; expiresAt: Date };

let adviceService: AdviceService | undefined;

export function sendAdviceWith(service: AdviceService): void {
  adviceService = service;
}

function advice(): AdviceService {
  if (!adviceService) throw new Error('No advice service: the composition root must call sendAdviceWith');
  return adviceService;
}

/** The family's one-time link to the advice sent with an outcome, for the page the recorder sees next. */
export const outcomeAdviceLink = (publicUrl: string, sent: SentAdvice): FamilyLink =>
  advice().familyLinkOf(publicUrl, `Advice sent to the family: ${sent.titles.join('; ')}`, sent);

/** The outcome form's advice fields, as posted. */
export type OutcomeAdvice = { advicePages?: unknown; adviceNote?: unknown };

/** The pages the recorder may pick for the child's age today; none when their role or relationship does not send advice. */
export async function adviceOffers(tx: Tx, actor: Actor, relationships: Relationship[], dateOfBirth: string, today: string): Promise<AdviceOffer[]> {
  return advice().maySendAdvice(actor, relationships) ? advice().offersFor(tx, actor.icsId, dateOfBirth, today) : [];
}

/** The advice service names its fields pages and note; the outcome form, advicePages and adviceNote. */
const FORM_FIELDS: Record<string, string> = { pages: 'advicePages', note: 'adviceNote' };

/**
 * Sends the pages chosen with the outcome, or nothing when none were. A note
 * with no page is refused rather than dropped: the family would never see it.
 */
export async function sendOutcomeAdvice(tx: Tx, actor: Actor, childId: string, caseId: string, posted: OutcomeAdvice, today: string): Promise<SentAdvice | null> {
  const input = { pages: posted.advicePages, note: posted.adviceNote };
  if (!advice().choosesPages(input)) {
    if (typeof input.note === 'string' && input.note.trim()) throw new ValidationError({ advicePages: 'Choose an advice page to send with the note, or leave the note empty' });
    return null;
  }
  try {
    return await advice().sendAdvice(tx, actor, childId, input, { source: 'mdt', mdtCaseId: caseId }, today);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    throw new ValidationError(Object.fromEntries(Object.entries(error.fields).map(([k, v]) => [FORM_FIELDS[k] ?? k, v])));
  }
}
