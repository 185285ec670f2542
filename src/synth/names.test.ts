import { describe, expect, it } from 'vitest';
import { conditionCodes, codesInGroup } from './conditions.js';
import { ETHNIC_CATEGORIES } from './ethnicity.js';
import { emailWord, givenName, surname } from './names.js';
import { placeWords } from './places.js';
import { Rng } from '../platform/random/seeded.js';
import { readGroupedNames } from '../platform/data-files.js';

describe('shipped lists', () => {
  it('has names for every group, sex and generation', () => {
    const rng = new Rng(11);
    for (const group of ['english', 'european', 'south-asian', 'muslim', 'african', 'east-asian'] as const) {
      for (const sex of ['male', 'female'] as const) {
        expect(givenName(rng, sex, group)).toMatch(/^[A-Z]/);
        expect(givenName(rng, sex, group, true)).toMatch(/^[A-Z]/);
      }
      expect(surname(rng, group)).toMatch(/^[A-Z]/);
    }
    const total = ['first-names-female.txt', 'first-names-male.txt', 'surnames.txt']
      .map((f) => [...readGroupedNames(f).values()].reduce((a, l) => a + l.length, 0));
    for (const n of total) expect(n).toBeGreaterThan(300);
    expect(placeWords().length).toBeGreaterThan(50);
  });

  it('makes email-safe words', () => {
    expect(emailWord("Siân O'Brien-Smith")).toBe('sianobriensmith');
  });

  it('ships SNOMED codes for every modelled condition', () => {
    const codes = conditionCodes();
    for (const key of ['asthma', 'epilepsy', 'type-1-diabetes', 'type-2-diabetes', 'autism', 'ehc-plan']) {
      expect(codes.get(key)?.snomedCode).toMatch(/^\d{6,18}$/);
    }
    expect(codes.get('asthma')?.snomedCode).toBe('195967001');
    expect(codesInGroup('complexity').length).toBeGreaterThanOrEqual(3);
  });

  it('uses an ethnic mix close to the census', () => {
    const total = ETHNIC_CATEGORIES.reduce((a, c) => a + c.share, 0);
    const white = ETHNIC_CATEGORIES.filter((c) => 'ABC'.includes(c.code)).reduce((a, c) => a + c.share, 0);
    expect(white / total).toBeGreaterThan(0.7);
    expect(white / total).toBeLessThan(0.75);
  });
});
