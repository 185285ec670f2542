import { letterPdf, type LetterDocument } from '../platform/http/pdf.js';
import type { FamilyView } from './family-link.js';

/** The family's advice as a printable document: the same words as their page, red first, each action with its number. */
export function familyAdviceDocument(view: FamilyView): LetterDocument {
  const lines: LetterDocument['lines'] = [];
  const list = (items: string[]) => items.forEach((text) => lines.push({ text: `• ${text}` }));
  // Each action's words carry its number (999, 111, the practice's), so the printout needs no links.
  const actions = (items: { text: string }[]) => list(items.map((a) => a.text));
  if (view.note) lines.push({ text: 'A note for you', heading: true }, { text: view.note });
  for (const p of view.pages) {
    lines.push({ text: p.title, heading: true }, { text: `This advice is for a child ${p.forAge}.` });
    if (p.demonstration) lines.push({ text: 'Demonstration content: not approved by your local NHS clinicians.' });
    lines.push({ text: 'Call 999 or go to A&E now if:', heading: true });
    list(p.red);
    actions(p.redActions);
    lines.push({ text: 'Get help today if:', heading: true });
    list(p.amber);
    actions(p.amberActions);
    lines.push({ text: 'You can look after your child at home if:', heading: true });
    list(p.green);
    list(p.atHome);
    if (p.whatToExpect) lines.push({ text: `What to expect: ${p.whatToExpect}` });
    if (p.seekHelpAgain) lines.push({ text: `When to get help again: ${p.seekHelpAgain}` });
    lines.push({ text: `Based on: ${p.sources.join('; ')}. Version ${p.version}.` });
  }
  return { title: `Advice for ${view.firstName}`, lines };
}

export const familyAdvicePdf = (view: FamilyView) => letterPdf(familyAdviceDocument(view));
