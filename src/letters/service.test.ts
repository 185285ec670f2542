import { describe, expect, it } from 'vitest';
import { ValidationError } from '../platform/http/errors.js';
import { LETTER_KINDS, type LetterKind } from './templates.js';
import { fieldList, parseTemplateForm, preview } from './service.js';

/** Wording that names every field the letter needs, so a test can vary the rest. */
const ADVICE_FIELDS = '{{child}} {{born}} {{nhsNumber}} {{question}} {{advice}} {{selfCare}}';
const REFERRAL_FIELDS = '{{born}} {{nhsNumber}} {{question}} {{tried}}';

const fieldsOf = (kind: LetterKind, form: Record<string, string>) => {
  try {
    parseTemplateForm(kind, { version: '0', ...form });
    return {};
  } catch (e) {
    if (e instanceof ValidationError) return e.fields;
    throw e;
  }
};

describe('the template form', () => {
  it('accepts wording that uses the letter’s fields, with Windows line breaks stored as LF', () => {
    expect(parseTemplateForm('referral', { title: ' To {{hub}} ', body: `About {{child}}\r\n\r\n{{reason}}\r\n${REFERRAL_FIELDS}`, version: '3' }))
      .toEqual({ title: 'To {{hub}}', body: `About {{child}}\n\n{{reason}}\n${REFERRAL_FIELDS}`, version: 3 });
  });

  it('names unknown and malformed placeholders in the field they are in', () => {
    expect(fieldsOf('referral', { title: 'To {{hbu}}', body: 'About {{chlid}} and {{nhs-number}} and {{advice}}' })).toEqual({
      title: '{{hbu}} is not a field of this letter',
      body: '{{chlid}}, {{advice}} and {{nhs-number}} are not fields of this letter',
    });
    expect(fieldsOf('advice', { title: 'T', body: 'About {{child}' })).toEqual({ body: 'Put each field in double braces, like {{child}}' });
    expect(fieldsOf('advice', { title: '', body: 'About {{chlid}}' })).toEqual({ title: 'Enter the title', body: '{{chlid}} is not a field of this letter' });
  });

  it('requires a title of up to 200 characters and a body of up to 10,000', () => {
    expect(fieldsOf('advice', { title: ' ', body: '' })).toEqual({ title: 'Enter the title', body: 'Enter the letter text' });
    expect(fieldsOf('advice', { title: 'x'.repeat(201), body: 'x'.repeat(10_001) })).toEqual({
      title: 'The title must be 200 characters or fewer', body: 'The letter text must be 10000 characters or fewer',
    });
    expect(fieldsOf('advice', { title: 'x'.repeat(200), body: ADVICE_FIELDS + 'x'.repeat(10_000 - ADVICE_FIELDS.length) })).toEqual({});
  });

  it('reads a missing or odd version as one that never matches', () => {
    expect(parseTemplateForm('advice', { title: 'T', body: ADVICE_FIELDS }).version).toBe(-1);
    expect(parseTemplateForm('advice', { title: 'T', body: ADVICE_FIELDS, version: 'abc' }).version).toBe(-1);
  });
});

describe('the preview', () => {
  it('fills every field of every letter with a made-up value', () => {
    for (const kind of Object.keys(LETTER_KINDS) as LetterKind[]) {
      const body = fieldList(kind).map((f) => `${f.placeholder}|`).join('\n\n');
      expect(preview({ title: 'T', body }).lines.filter((l) => l.text.startsWith('|')), kind).toEqual([]);
      expect(fieldList(kind)[0]).toEqual({ placeholder: '{{child}}', meaning: 'the child’s name', required: true });
    }
  });
});
