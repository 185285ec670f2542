import type { LetterDocument } from '../platform/http/pdf.js';

/**
 * The letters Joinery writes from a referral, and the shipped wording of
 * each. An ICS may reword any of them (letter_template); the words in
 * {{double braces}} are filled from the referral when the letter is sent, and
 * the letter is then stored exactly as sent. A paragraph that is only a
 * placeholder whose value has several paragraphs keeps them all; a line
 * starting "## " is a heading. The required fields are the ones a reader
 * relies on (who the child is, and what the clinician wrote): a template that
 * leaves one out would silently drop it from every letter, so it cannot be saved.
 */
export const LETTER_KINDS = {
  referral: {
    name: 'Referral letter (GP to the hub)',
    fields: {
      child: 'the child’s name', born: 'date of birth', nhsNumber: 'NHS number', hub: 'the hub or cluster', urgency: 'routine, soon or urgent',
      reason: 'the reason for referral', question: 'the question to answer', tried: 'what has been tried', referrer: 'the GP or nurse referring', practice: 'their practice', date: 'the date sent',
    },
    required: ['child', 'born', 'nhsNumber', 'reason', 'question', 'tried'],
    title: 'Referral to {{hub}}',
    body: `About: {{child}}, born {{born}}, NHS number {{nhsNumber}}

Urgency: {{urgency}}. Sent {{date}}.

## Why I am referring
{{reason}}

## The question I would like answered
{{question}}

## What has been tried
{{tried}}

{{referrer}}, {{practice}}`,
  },
  advice: {
    name: 'Advice back to the GP',
    fields: {
      child: 'the child’s name', born: 'date of birth', nhsNumber: 'NHS number', hub: 'the hub or cluster', referrer: 'the GP or nurse who asked',
      question: 'the question asked', advice: 'the paediatrician’s advice and plan', selfCare: 'self-care advice for the family (may be empty)', paediatrician: 'who answered', date: 'the date',
    },
    required: ['child', 'born', 'nhsNumber', 'question', 'advice', 'selfCare'],
    title: 'Advice from {{hub}}',
    body: `About: {{child}}, born {{born}}, NHS number {{nhsNumber}}

Dear {{referrer}},

Thank you for asking about {{child}}. You asked: {{question}}

## Advice and management plan
{{advice}}

## For the family
{{selfCare}}

If things do not go as expected, or you are worried, please ask again or refer.

{{paediatrician}}, {{hub}}, {{date}}`,
  },
  'clinic-outcome': {
    name: 'Clinic outcome (to the GP and the family)',
    fields: {
      child: 'the child’s name', born: 'date of birth', nhsNumber: 'NHS number', hub: 'the hub or cluster', clinicDate: 'the date of the clinic', venue: 'the practice where the clinic was',
      seenBy: 'who saw the child', question: 'the question the GP asked', plan: 'the plan agreed', next: 'what happens next', copiedTo: 'the care team the letter is copied to', clinician: 'the clinician writing',
    },
    required: ['child', 'born', 'nhsNumber', 'plan', 'next'],
    title: 'After {{child}}’s appointment at the {{hub}} clinic',
    body: `About: {{child}}, born {{born}}, NHS number {{nhsNumber}}

To: the family, and the GP. Copied to: {{copiedTo}}

{{child}} was seen at {{venue}} on {{clinicDate}} by {{seenBy}}. The GP asked: {{question}}

## The plan
{{plan}}

## What happens next
{{next}}

{{clinician}}, {{hub}}`,
  },
  'mdt-outcome': {
    name: 'MDT outcome (to the family and the GP)',
    fields: {
      child: 'the child’s name', born: 'date of birth', nhsNumber: 'NHS number', hub: 'the hub or cluster', meetingDate: 'the date of the meeting',
      broughtBy: 'who brought the child to the meeting (and stays responsible)', question: 'the question they asked the team',
      discussion: 'what the team talked about', decisions: 'what the team decided', actions: 'who will do what, one action a line, each with who and by when',
      copiedTo: 'everyone who attended', chair: 'the chair of the meeting',
    },
    required: ['child', 'born', 'nhsNumber', 'question', 'discussion', 'decisions', 'actions', 'broughtBy'],
    title: 'Outcome of the {{hub}} MDT meeting',
    body: `About: {{child}}, born {{born}}, NHS number {{nhsNumber}}

To: the family, and the GP
Copied to: {{copiedTo}}

The {{hub}} team met on {{meetingDate}} to talk about {{child}}. {{broughtBy}} asked the team: {{question}}

## What we talked about
{{discussion}}

## What we decided
{{decisions}}

## Who will do what
{{actions}}

{{broughtBy}} stays responsible for {{child}}’s care and for making sure these things happen. If anything here is wrong, or you have questions, please contact them or your GP.

{{chair}}, chair of the meeting`,
  },
  'virtual-ward-discharge': {
    name: 'Virtual ward discharge summary (to the GP, copied to the care team)',
    fields: {
      child: 'the child’s name', born: 'date of birth', nhsNumber: 'NHS number', practice: 'the registered GP practice', copiedTo: 'the care team the letter is copied to',
      pathway: 'the virtual ward pathway', referredBy: 'who referred the child', stay: 'the days cared for at home', escalations: 'the escalations during the stay',
      lastObservations: 'the last observations and PEWS, with the chart used', outcome: 'the outcome of the stay', summary: 'the nurse’s or doctor’s summary and follow-up',
      adviceSent: 'the self-care advice sent to the family (may be empty)', clinician: 'who discharged the child', team: 'their team', date: 'the date of discharge',
    },
    required: ['child', 'born', 'nhsNumber', 'pathway', 'escalations', 'lastObservations', 'outcome', 'summary'],
    title: 'Virtual ward discharge summary: {{child}}',
    body: `To: {{practice}}
Copied to: {{copiedTo}}

About: {{child}}, born {{born}}, NHS number {{nhsNumber}}

## Care at home
Pathway: {{pathway}}. Referred by {{referredBy}}; cared for at home {{stay}}.
Escalations during the stay: {{escalations}}.
{{lastObservations}}

## Outcome
{{outcome}}

## Summary and follow-up
{{summary}}

## Advice sent to the family
{{adviceSent}}

{{clinician}}, {{team}}, {{date}}`,
  },
} as const satisfies Record<string, { name: string; fields: Record<string, string>; required: readonly string[]; title: string; body: string }>;

export type LetterKind = keyof typeof LETTER_KINDS;
type FieldOf<K extends LetterKind> = keyof (typeof LETTER_KINDS)[K]['fields'];
export type LetterValues<K extends LetterKind> = Record<FieldOf<K>, string>;
// Each kind's required fields must be fields it has (checked by the type, not at run time).
LETTER_KINDS satisfies { [K in LetterKind]: { required: readonly FieldOf<K>[] } };
export const isLetterKind = (k: string): k is LetterKind => Object.prototype.hasOwnProperty.call(LETTER_KINDS, k);

const PLACEHOLDER = /\{\{\s*([A-Za-z]+)\s*\}\}/g;

/** Placeholders a template uses that its kind does not know: the ICS is told before saving. */
export function unknownPlaceholders(kind: LetterKind, text: string): string[] {
  const known = LETTER_KINDS[kind].fields as Record<string, string>;
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]).filter((f) => !Object.prototype.hasOwnProperty.call(known, f)))];
}

/** The required fields of a kind that a template (its title and text together) leaves out, in the kind's order. */
export function missingRequiredFields(kind: LetterKind, text: string): string[] {
  const used = new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]));
  return LETTER_KINDS[kind].required.filter((f) => !used.has(f));
}

const fill = (text: string, values: Record<string, string>) => text.replace(PLACEHOLDER, (_, f: string) => values[f] ?? '');

/** The letter as it will be sent: the template filled in, paragraph by paragraph; empty paragraphs dropped. */
export function renderLetter(template: { title: string; body: string }, values: Record<string, string>): LetterDocument {
  const paragraphsOf = (raw: string) => fill(raw, values).split(/\n+/).map((t) => t.trim()).filter(Boolean);
  const blocks = template.body.replace(/\r\n/g, '\n').split(/\n\s*\n/).map((b) => b.split('\n'));
  const lines: LetterDocument['lines'] = [];
  blocks.forEach((block, b) => {
    block.forEach((raw, i) => {
      if (!raw.startsWith('## ')) {
        for (const text of paragraphsOf(raw)) lines.push({ text });
        return;
      }
      // A heading covers the lines under it in its own paragraph, or the next paragraph when it stands alone;
      // when those come out empty (an optional field left blank) the heading goes too.
      const own = block.slice(i + 1);
      const covered = own.length ? own : (blocks[b + 1] ?? []);
      const next = covered.findIndex((l) => l.startsWith('## '));
      const under = next === -1 ? covered : covered.slice(0, next);
      if (under.some((l) => paragraphsOf(l).length)) for (const text of paragraphsOf(raw.slice(3))) lines.push({ text, heading: true });
    });
  });
  return { title: fill(template.title, values).trim(), lines };
}
