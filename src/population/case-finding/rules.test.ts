import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../platform/http/errors.js';
import { builtInRules, countKey, parseRuleForm, reasonsFor, reasonWords, ruleId, ruleWords, singular, storedRule } from './rules.js';

const rule = (id: string) => builtInRules().find((r) => r.id === id)!;
const counts = (entries: Record<string, number>) => new Map(Object.entries(entries));

describe('case-finding rules as data', () => {
  it('ships the three built-in rules, each checked against the event measures', () => {
    expect(builtInRules().map((r) => r.id)).toEqual(['frequent-ed', 'asthma-at-risk', 'no-hub-contact-ed']);
    expect(rule('asthma-at-risk')).toMatchObject({ cohort: 'asthma', windowMonths: 12, criteria: [{ measure: 'reliever-prescriptions', atLeast: 6 }, { measure: 'asthma-attacks', atLeast: 2 }] });
    expect(rule('no-hub-contact-ed').noHubContact).toBe(true);
  });

  it('says what each rule finds in words', () => {
    expect(ruleWords(rule('frequent-ed'))).toBe('Children with 3 or more ED attendances in the last 12 months.');
    expect(ruleWords(rule('asthma-at-risk'))).toBe(
      'Children with asthma who had 6 or more reliever inhaler prescriptions or 2 or more asthma attacks seen in ED or admitted in the last 12 months.');
    expect(ruleWords(rule('no-hub-contact-ed'))).toBe(
      'Children with 3 or more ED attendances in the last 12 months, and no referral or advice request to a hub in that time.');
    expect(ruleWords({ criteria: [{ measure: 'emergency-admissions', atLeast: 1 }], windowMonths: 1, cohort: null, noHubContact: false }))
      .toBe('Children with 1 or more emergency admission in the last month.');
  });

  it('gives each child the reason in words, with the count and the threshold', () => {
    expect(reasonWords({ measure: 'ed', atLeast: 3 }, 4, 12)).toBe('4 ED attendances in the last 12 months (3 or more)');
    expect(reasonWords({ measure: 'reliever-prescriptions', atLeast: 6 }, 7, 12)).toBe('7 reliever inhaler prescriptions in the last 12 months (6 or more)');
    expect(reasonWords({ measure: 'emergency-admissions', atLeast: 1 }, 1, 6)).toBe('1 emergency admission in the last 6 months (1 or more)');
    expect(singular('asthma attacks seen in ED or admitted')).toBe('asthma attack seen in ED or admitted');
  });

  it('lists every criterion met, and nothing when none is', () => {
    const asthma = rule('asthma-at-risk');
    expect(reasonsFor(asthma, counts({ [countKey('reliever-prescriptions', 12)]: 7, [countKey('asthma-attacks', 12)]: 1 }))).toEqual([
      '7 reliever inhaler prescriptions in the last 12 months (6 or more)', 'asthma on the problem list',
    ]);
    expect(reasonsFor(asthma, counts({ [countKey('reliever-prescriptions', 12)]: 6, [countKey('asthma-attacks', 12)]: 2 }))).toHaveLength(3);
    expect(reasonsFor(asthma, counts({ [countKey('reliever-prescriptions', 12)]: 5, [countKey('asthma-attacks', 12)]: 1 }))).toEqual([]);
    expect(reasonsFor(rule('no-hub-contact-ed'), counts({ [countKey('ed', 12)]: 3 }))).toEqual([
      '3 ED attendances in the last 12 months (3 or more)', 'no referral or advice request to a hub in that time',
    ]);
  });

  it('drops a stored rule that no longer fits the measures', () => {
    expect(storedRule({ id: 'x', name: 'X', criteria: [{ measure: 'retired-measure', atLeast: 2 }], windowMonths: 12 })).toBeNull();
    expect(storedRule({ id: 'x', name: 'X', criteria: [{ measure: 'ed', atLeast: 2 }], windowMonths: 12, cohort: null, noHubContact: false }))
      .toMatchObject({ id: 'x', builtIn: false });
  });
});

describe('the add-a-rule form', () => {
  const errorsOf = (body: Record<string, string>) => {
    try {
      parseRuleForm(body);
      return {};
    } catch (e) {
      if (e instanceof ValidationError) return e.fields;
      throw e;
    }
  };

  it('reads up to three tests, skipping empty ones', () => {
    expect(parseRuleForm({
      name: ' Admitted twice ', 'criteria-0-measure': 'emergency-admissions', 'criteria-0-atLeast': '2', 'criteria-2-measure': 'ed', 'criteria-2-atLeast': '5',
      windowMonths: '24', cohort: 'epilepsy', noHubContact: 'yes',
    })).toEqual({
      name: 'Admitted twice', criteria: [{ measure: 'emergency-admissions', atLeast: 2 }, { measure: 'ed', atLeast: 5 }], windowMonths: 24, cohort: 'epilepsy', noHubContact: true,
    });
  });

  it('names every problem by its field', () => {
    expect(errorsOf({})).toEqual({
      name: 'Enter a name for the rule', 'criteria-0-measure': 'Choose what to count', 'criteria-0-atLeast': 'Enter how many it takes',
      windowMonths: 'Enter the number of months to look back',
    });
    expect(errorsOf({
      name: 'X', 'criteria-0-measure': 'bed-days', 'criteria-0-atLeast': '0', 'criteria-1-atLeast': '3', windowMonths: '36', cohort: 'children',
    })).toEqual({
      'criteria-0-measure': 'Choose what to count from the list', 'criteria-0-atLeast': 'Enter how many it takes from 1 to 100',
      'criteria-1-measure': 'Choose what to count from the list', windowMonths: 'Enter the number of months to look back from 1 to 24',
      cohort: 'Choose a condition from the list, or any child',
    });
    expect(errorsOf({ name: 'a\u0000b', 'criteria-0-measure': 'ed', 'criteria-0-atLeast': 'two', windowMonths: '12' })).toMatchObject({
      name: expect.stringContaining('hidden characters'), 'criteria-0-atLeast': 'Enter how many it takes as a whole number, like 3',
    });
  });

  it('makes an id from the name', () => {
    expect(ruleId('Asthma at risk (under 5s)')).toBe('asthma-at-risk-under-5s');
    expect(ruleId('***')).toBe('rule');
    expect(ruleId('Ünïcode — names')).toBe('unicode-names');
  });
});
