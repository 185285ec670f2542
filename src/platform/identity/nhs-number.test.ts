import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatNhsNumber, isTestRangeNhsNumber, isValidNhsNumber, nhsCheckDigit, normaliseNhsNumber, testNhsNumbers } from './nhs-number.js';

describe('NHS number', () => {
  it('accepts a number whose Modulus 11 check digit is right, with or without spaces', () => {
    expect(isValidNhsNumber('9991234578')).toBe(true);
    expect(isValidNhsNumber('999 123 4578')).toBe(true);
    expect(isValidNhsNumber('999-123-4578')).toBe(true);
  });

  it('refuses a wrong check digit, wrong length or letters', () => {
    expect(isValidNhsNumber('9991234577')).toBe(false);
    expect(isValidNhsNumber('999123457')).toBe(false);
    expect(isValidNhsNumber('99912345780')).toBe(false);
    expect(isValidNhsNumber('99912345A8')).toBe(false);
  });

  it('has no check digit when the remainder gives 10', () => {
    const stem = Array.from({ length: 2000 }, (_, i) => String(999_000_000 + i)).find((s) => nhsCheckDigit(s) === null)!;
    expect(stem).toBeDefined();
    for (let d = 0; d <= 9; d++) expect(isValidNhsNumber(stem + d)).toBe(false);
  });

  it('generates only valid, distinct numbers in the 999 test range', () => {
    const gen = testNhsNumbers();
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const n = gen.next().value as string;
      expect(isTestRangeNhsNumber(n)).toBe(true);
      seen.add(n);
    }
    expect(seen.size).toBe(5000);
  });

  it('changing any one digit of a valid number makes it invalid', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 900_000 }), fc.integer({ min: 0, max: 9 }), fc.integer({ min: 1, max: 9 }), (offset, pos, delta) => {
        const n = testNhsNumbers(offset).next().value as string;
        const digits = n.split('');
        digits[pos] = String((Number(digits[pos]) + delta) % 10);
        return !isValidNhsNumber(digits.join(''));
      }),
    );
  });

  it('formats as 3 3 4 and normalises what people type', () => {
    expect(formatNhsNumber('9991234567')).toBe('999 123 4567');
    expect(normaliseNhsNumber(' 999 123-4567 ')).toBe('9991234567');
  });
});
