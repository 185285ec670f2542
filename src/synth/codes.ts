import type { Rng } from '../platform/random/seeded.js';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const digits = (rng: Rng, n: number) => Array.from({ length: n }, () => rng.int(0, 9)).join('');
const alnum = (rng: Rng, n: number) => Array.from({ length: n }, () => rng.pick([...ALNUM])).join('');

/**
 * Organisation codes in the shapes people recognise, unique within one ICS
 * (the database enforces that). Practices look like ODS GP codes ("Y12345"),
 * NHS trusts like trust codes ("RXQ"), the ICS body like an ICB ("Q1A"),
 * schools like DfE URNs ("123456"). The Y prefix keeps practices clear of
 * the A–P regional letters most real English practices carry.
 */
export class OrganisationCodes {
  private used = new Set<string>();
  constructor(private rng: Rng) {}

  private unique(make: () => string): string {
    for (;;) {
      const code = make();
      if (!this.used.has(code)) {
        this.used.add(code);
        return code;
      }
    }
  }

  practice = () => this.unique(() => `Y${digits(this.rng, 5)}`);
  trust = () => this.unique(() => `R${alnum(this.rng, 2)}`);
  icsBody = () => this.unique(() => `Q${alnum(this.rng, 2)}`);
  localAuthority = () => this.unique(() => `${this.rng.int(800, 999)}`);
  school = () => this.unique(() => `1${digits(this.rng, 5)}`);
  youthJustice = () => this.unique(() => `YOT${digits(this.rng, 2)}`);
  voluntary = () => this.unique(() => `V${digits(this.rng, 5)}`);
}

/**
 * Postcode areas starting with X: no real UK postcode area starts with Q, V
 * or X, so synthetic districts ("XA12") can never be mistaken for real ones.
 */
export function postcodeAreas(rng: Rng, n: number): string[] {
  return rng.shuffle([...LETTERS]).slice(0, n).map((l) => `X${l}`);
}
