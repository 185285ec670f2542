import { longDate } from '../platform/time/calendar-days.js';
import type { LetterDocument } from '../platform/http/pdf.js';
import { formatNhsNumber } from '../platform/identity/nhs-number.js';
import { renderLetter, shippedWording, type LetterValues } from '../letters/service.js';

/**
 * The outcome letter after an MDT discussion, to the family and the GP,
 * copied to everyone who attended, in the ICS's wording of it (letters/,
 * kind 'mdt-outcome'). Plain words; only what the meeting wrote
 * down (never entries from the record), so nothing sensitive can leak into it.
 * It is stored as sent, line by line, and the page and PDF are drawn from that.
 */
export type LetterFacts = {
  childName: string; dateOfBirth: string; nhsNumber: string | null; hub: string; meetingDate: string; question: string;
  discussion: string; decisions: string; actions: { description: string; owner: string; ownerRole?: string; dueOn: string }[];
  broughtBy: string; chair: string; attendees: string[];
};

/** The action as typed, made a sentence: one line, a capital first letter and a full stop unless it has its own. */
function actionSentence(description: string): string {
  const one = description.replace(/\s+/g, ' ').trim();
  const capitalised = one.charAt(0).toUpperCase() + one.slice(1);
  return /[.!?]$/.test(capitalised) ? capitalised : `${capitalised}.`;
}

/**
 * One action as the family reads it: "Toileting plan at nursery. Who: Mihaela
 * Kozlowski, Education (SENCO). By 12 January 2027." Actions are typed as
 * notes, not verbs, so the action stands as its own sentence rather than
 * being fitted into "<owner> will …".
 */
export const actionLine = (a: LetterFacts['actions'][number]) =>
  `${actionSentence(a.description)} Who: ${a.owner}${a.ownerRole ? `, ${a.ownerRole}` : ''}. By ${longDate(a.dueOn)}.`;

/** The facts in the words the ICS's 'mdt-outcome' wording fills in. */
export function mdtLetterValues(f: LetterFacts): LetterValues<'mdt-outcome'> {
  return {
    child: f.childName, born: longDate(f.dateOfBirth), nhsNumber: f.nhsNumber ? formatNhsNumber(f.nhsNumber) : 'not known', hub: f.hub,
    meetingDate: longDate(f.meetingDate), broughtBy: f.broughtBy, question: f.question, discussion: f.discussion, decisions: f.decisions,
    actions: f.actions.map(actionLine).join('\n'), copiedTo: f.attendees.length ? f.attendees.join(', ') : 'no one else attended', chair: f.chair,
  };
}

/** The letter in the ICS's wording (the shipped wording when none is given, as the generator writes it). */
export function composeLetter(f: LetterFacts, wording: { title: string; body: string } = shippedWording('mdt-outcome')): LetterDocument {
  return renderLetter(wording, mdtLetterValues(f));
}

/** The letter as stored: its title and lines exactly as sent, as JSON. */
export const letterText = (l: LetterDocument) => JSON.stringify(l);

export const parseLetter = (text: string): LetterDocument => JSON.parse(text) as LetterDocument;
