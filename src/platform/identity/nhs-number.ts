/** NHS numbers: 10 digits, the last a Modulus 11 check digit over the first nine. */

export function nhsCheckDigit(firstNine: string): number | null {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(firstNine[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 11) return 0;
  if (check === 10) return null; // no valid number has these nine digits
  return check;
}

/** Strips the spaces and hyphens people type ("999 123 4560"). */
export function normaliseNhsNumber(input: string): string {
  return input.replace(/[\s-]/g, '');
}

export function isValidNhsNumber(input: string): boolean {
  const n = normaliseNhsNumber(input);
  if (!/^\d{10}$/.test(n)) return false;
  return nhsCheckDigit(n.slice(0, 9)) === Number(n[9]);
}

/** Synthetic data may only use the 999 test range. */
export function isTestRangeNhsNumber(input: string): boolean {
  const n = normaliseNhsNumber(input);
  return isValidNhsNumber(n) && n.startsWith('999');
}

/** "9991234560" → "999 123 4560", as NHS numbers are shown. */
export function formatNhsNumber(n: string): string {
  return `${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`;
}

/**
 * Valid test-range NHS numbers in order from a nine-digit stem offset
 * (0 … 999,999), skipping stems that have no check digit: about 909,000 in all.
 */
export function* testNhsNumbers(fromOffset = 0): Generator<string> {
  for (let stem = 999_000_000 + fromOffset; stem <= 999_999_999; stem++) {
    const nine = String(stem);
    const check = nhsCheckDigit(nine);
    if (check !== null) yield nine + check;
  }
}
