import { longDate } from '../platform/time/calendar-days.js';
import type { LetterDocument } from '../platform/http/pdf.js';
import { formatNhsNumber } from '../platform/identity/nhs-number.js';

/**
 * The outcome letter after an MDT discussion, to the family and the GP,
 * copied to everyone who attended. Plain words; only what the meeting wrote
 * down (never entries from the record), so nothing sensitive can leak into it.
 * It is stored as sent, line by line, and the page and PDF are drawn from that.
 */
export type LetterFacts = {
  childName: string; dateOfBirth: string; nhsNumber: string | null; hub: string; meetingDate: string; question: string;
  discussion: string; decisions: string; actions: { description: string; owner: string; ownerRole?: string; dueOn: string }[];
  broughtBy: string; chair: string; attendees: string[];
};


const paragraphs = (text: string) => text.split(/\n+/).map((t) => t.trim()).filter(Boolean).map((t) => ({ text: t }));

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

export function composeLetter(f: LetterFacts): LetterDocument {
  const lines: LetterDocument['lines'] = [
    { text: `About: ${f.childName}, born ${longDate(f.dateOfBirth)}${f.nhsNumber ? `, NHS number ${formatNhsNumber(f.nhsNumber)}` : ''}` },
    { text: `To: the family, and the GP` },
    { text: `Copied to: ${f.attendees.length ? f.attendees.join(', ') : 'no one else attended'}` },
    { text: `The ${f.hub} team met on ${longDate(f.meetingDate)} to talk about ${f.childName}. ${f.broughtBy} asked the team: ${f.question}` },
    { text: 'What we talked about', heading: true },
    ...paragraphs(f.discussion),
    { text: 'What we decided', heading: true },
    ...paragraphs(f.decisions),
  ];
  if (f.actions.length) {
    lines.push({ text: 'Who will do what', heading: true });
    for (const a of f.actions) lines.push({ text: actionLine(a) });
  }
  lines.push({ text: `${f.broughtBy} stays responsible for ${f.childName}’s care and for making sure these things happen. If anything here is wrong, or you have questions, please contact them or your GP.` });
  lines.push({ text: `${f.chair}, chair of the meeting` });
  return { title: `Outcome of the ${f.hub} MDT meeting`, lines };
}

/** The letter as stored: its title and lines exactly as sent, as JSON. */
export const letterText = (l: LetterDocument) => JSON.stringify(l);

export const parseLetter = (text: string): LetterDocument => JSON.parse(text) as LetterDocument;
