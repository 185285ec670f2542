import { nhsCheckDigit } from '../platform/identity/nhs-number.js';
import type { Rng } from '../platform/random/seeded.js';

const STEMS = 1_000_000; // 999 000 000 … 999 999 999

/**
 * Unique valid NHS numbers from the 999 test range in a scattered order, so
 * siblings do not get consecutive numbers. Stem i maps to (a·i + b) mod 10⁶
 * with a coprime to 10⁶ (a bijection), and stems without a Modulus 11 check
 * digit are skipped: about 909,000 numbers per ICS, enough for 500,000.
 */
/** Stems of the range with a Modulus 11 check digit: how many numbers the range holds. */
let validStems: number | undefined;
const countValidStems = () => {
  if (validStems === undefined) {
    validStems = 0;
    for (let stem = 0; stem < STEMS; stem++) if (nhsCheckDigit(String(999_000_000 + stem)) !== null) validStems++;
  }
  return validStems;
};

export class NhsNumbers {
  private i = 0;
  private given = 0;
  private readonly a: number;
  private readonly b: number;

  constructor(rng: Rng) {
    let a = rng.int(100_001, 999_999);
    while (a % 2 === 0 || a % 5 === 0) a++;
    this.a = a;
    this.b = rng.int(0, STEMS - 1);
  }

  next(): string {
    while (this.i < STEMS) {
      const stem = String(999_000_000 + ((this.a * this.i + this.b) % STEMS));
      this.i++;
      const check = nhsCheckDigit(stem);
      if (check !== null) {
        this.given++;
        return stem + check;
      }
    }
    throw new Error('the 999 test range has run out of NHS numbers');
  }

  /** Numbers not yet given. */
  get left(): number {
    return countValidStems() - this.given;
  }
}
