import { describe, expect, it } from 'vitest';
import { LETTER_KINDS, missingRequiredFields, renderLetter, unknownPlaceholders, type LetterKind } from './templates.js';

const text = (doc: ReturnType<typeof renderLetter>) => doc.lines.map((l) => (l.heading ? `## ${l.text}` : l.text));

describe('renderLetter', () => {
  it('fills the title and body, and marks "## " lines as headings', () => {
    const doc = renderLetter({ title: ' Referral to {{hub}} ', body: 'About {{child}}\n\n## Why\n{{reason}}' }, { hub: 'North Hub', child: 'Ada', reason: 'Cough' });
    expect(doc.title).toBe('Referral to North Hub');
    expect(doc.lines).toEqual([{ text: 'About Ada' }, { text: 'Why', heading: true }, { text: 'Cough' }]);
  });

  it('keeps every paragraph of a value that has several, however they are separated', () => {
    const doc = renderLetter({ title: 'T', body: '## Plan\n{{plan}}\n\nSigned' }, { plan: 'First step.\n\nSecond step.\r\nThird step.' });
    expect(text(doc)).toEqual(['## Plan', 'First step.', 'Second step.', 'Third step.', 'Signed']);
  });

  it('drops a heading whose only content is an empty optional field, at the end or before another heading', () => {
    expect(text(renderLetter({ title: 'T', body: 'Intro\n\n## Empty\n{{a}}\n\n## Kept\n{{b}}\n\n## Last\n{{c}}' }, { a: ' ', b: 'B', c: '' })))
      .toEqual(['Intro', '## Kept', 'B']);
    expect(text(renderLetter({ title: 'T', body: '## Kept\n{{b}}\n\n## Last\n{{c}}' }, { b: 'B', c: 'C' }))).toEqual(['## Kept', 'B', '## Last', 'C']);
  });

  // A heading covers its own paragraph, so "For the family" goes when there is no self-care advice, though a paragraph follows.
  it('drops the heading of an empty field followed by an ordinary paragraph (the shipped advice letter)', () => {
    const values = { child: 'Ada', born: '1 May 2019', nhsNumber: '999 000 0000', hub: 'Hub', referrer: 'Dr GP', question: 'Q?', advice: 'Rest.', selfCare: '', paediatrician: 'Dr P', date: 'today' };
    expect(text(renderLetter(LETTER_KINDS.advice, values))).not.toContain('## For the family');
  });

  it('lets a heading stand alone above its paragraph, and drops it when that paragraph is empty', () => {
    expect(text(renderLetter({ title: 'T', body: '## Plan\n\n{{plan}}\n\nEnd' }, { plan: 'Rest' }))).toEqual(['## Plan', 'Rest', 'End']);
    expect(text(renderLetter({ title: 'T', body: '## Plan\n\n{{plan}}\n\nEnd' }, { plan: '' }))).toEqual(['End']);
  });

  it('reads Windows line breaks, drops empty paragraphs and leaves a missing value blank', () => {
    const doc = renderLetter({ title: 'T', body: 'One\r\n\r\n\r\n{{missing}}\r\n\r\nTwo {{missing}}end' }, {});
    expect(text(doc)).toEqual(['One', 'Two end']);
  });

  it('allows spaces inside the braces', () => {
    expect(text(renderLetter({ title: 'T', body: 'Dear {{ referrer }},' }, { referrer: 'Dr Khan' }))).toEqual(['Dear Dr Khan,']);
  });
});

describe('unknownPlaceholders', () => {
  it('names each placeholder the kind does not know, once, and none it does', () => {
    expect(unknownPlaceholders('referral', 'About {{chlid}}, {{child}} and {{ chlid }} at {{hub}}; {{advice}}')).toEqual(['chlid', 'advice']);
    expect(unknownPlaceholders('advice', 'Advice: {{advice}} for {{child}}')).toEqual([]);
  });

  it('finds none in the shipped wording of any letter', () => {
    for (const [kind, t] of Object.entries(LETTER_KINDS)) {
      expect(unknownPlaceholders(kind as LetterKind, `${t.title}\n${t.body}`), kind).toEqual([]);
    }
  });
});

describe('missingRequiredFields', () => {
  it('names the required fields a wording leaves out, whether or not they have spaces inside the braces', () => {
    expect(missingRequiredFields('advice', 'About {{ child }}, {{born}}, {{nhsNumber}}. You asked {{question}}. {{selfCare}}')).toEqual(['advice']);
    expect(missingRequiredFields('advice', 'Advice for {{child}}')).toEqual(['born', 'nhsNumber', 'question', 'advice', 'selfCare']);
  });

  it('finds none missing in the shipped wording of any letter', () => {
    for (const [kind, t] of Object.entries(LETTER_KINDS)) {
      expect(missingRequiredFields(kind as LetterKind, `${t.title}\n${t.body}`), kind).toEqual([]);
    }
  });
});
