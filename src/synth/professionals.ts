import crypto from 'node:crypto';
import { REGISTER_OF_ROLE, REGISTER_SYSTEMS, type Role } from '../platform/access/roles.js';
import { ETHNIC_CODES, ethnicMix, familyNameGroup } from './ethnicity.js';
import { emailWord, givenName, surname, type Sex } from './names.js';
import { Rng } from '../platform/random/seeded.js';
import type { Row } from './writer.js';

export type DemoUser = { role: Role; email: string; name: string; id: string; organisationId: string };

/**
 * A demo user's CIS2 identity (nhsid_useruid): 12 digits from their email, so
 * the same demo always gets the same ones and two ICSs' demo users differ.
 */
export function demoNhsidUseruid(email: string): string {
  const n = BigInt(`0x${crypto.createHash('sha256').update(email).digest('hex').slice(0, 15)}`) % 10_000_000_000n;
  return `55${n.toString().padStart(10, '0')}`;
}

/** Share of women by role, roughly as the NHS and social care workforce. */
const FEMALE_SHARE: Partial<Record<Role, number>> = {
  gp: 0.56,
  paediatrician: 0.55,
  'practice-nurse': 0.95,
  'health-visitor': 0.97,
  'school-nurse': 0.95,
  'care-coordinator': 0.9,
  'social-worker': 0.85,
  senco: 0.85,
};

/**
 * A made-up number on the role's register, from the person's id (so no
 * random stream moves): in forms no real register issues (GMC from 9000000,
 * an NMC pin with the month letter Z, HCPC with the profession letters ZZ).
 */
function demoRegistration(role: Role, personId: string): { registration_system: string | null; registration_number: string | null } {
  const register = REGISTER_OF_ROLE[role];
  if (!register) return { registration_system: null, registration_number: null };
  const n = parseInt(crypto.createHash('sha256').update(personId).digest('hex').slice(0, 8), 16);
  const digits = (k: number) => String(n % 10 ** k).padStart(k, '0');
  const number = register === 'gmc' ? `9${digits(6)}` : register === 'nmc' ? `${digits(2)}Z${digits(4)}E` : `ZZ${digits(6)}`;
  return { registration_system: REGISTER_SYSTEMS[register], registration_number: number };
}

/** Doctors are shown with their title, as they sign letters. */
const TITLED: readonly Role[] = ['gp', 'paediatrician'];

/**
 * Creates professionals. Emails are the sign-in name and unique across every
 * ICS: demo users get `<role>@<domain>`, everyone else
 * `given.family.N@<domain>` with N counting up, so no two can clash.
 */
export class Staff {
  readonly rows: Row[] = [];
  readonly demo = new Map<Role, DemoUser>();
  private n = 0;
  private readonly mix = ethnicMix(1.4); // the NHS workforce is more diverse than the child population

  constructor(
    private icsId: string,
    private ids: Rng,
    private rng: Rng,
    private domain: string,
    private demoPasswordHash: string | null,
  ) {}

  add(role: Role, organisationId: string, asDemo = false): string {
    const id = this.ids.uuid();
    const group = familyNameGroup(this.rng, ETHNIC_CODES[this.rng.weighted(this.mix)]);
    const sex: Sex = this.rng.chance(FEMALE_SHARE[role] ?? 0.7) ? 'female' : 'male';
    const given = givenName(this.rng, sex, group, true);
    const family = surname(this.rng, group);
    const name = `${TITLED.includes(role) ? 'Dr ' : ''}${given} ${family}`;
    let email: string;
    if (asDemo) {
      if (this.demo.has(role)) throw new Error(`two demo users for role ${role}`);
      email = `${role}@${this.domain}`;
      this.demo.set(role, { role, email, name, id, organisationId });
    } else {
      email = `${emailWord(given)}.${emailWord(family)}.${++this.n}@${this.domain}`;
    }
    this.rows.push({
      ics_id: this.icsId,
      id,
      email,
      name,
      role,
      organisation_id: organisationId,
      password_hash: asDemo ? this.demoPasswordHash : null,
      nhsid_useruid: asDemo ? demoNhsidUseruid(email) : null,
      ...demoRegistration(role, id),
      active: true,
    });
    return id;
  }

  /**
   * The demo user of `of` holds a second job, as `role` at another
   * organisation: a second account for the same person (name and CIS2
   * identity), reached through CIS2 only (no password), so the demo shows
   * choosing a role at CIS2. Its id comes from its email rather than the
   * streams, so everything generated after it stays as it was.
   */
  secondJob(of: Role, role: Role, organisationId: string): void {
    const person = this.demo.get(of);
    if (!person) return;
    const [given = '', ...family] = person.name.replace(/^Dr /, '').split(' ');
    const email = `${emailWord(given)}.${emailWord(family.join(' '))}.${++this.n}@${this.domain}`;
    const h = crypto.createHash('sha256').update(`${this.icsId}:${email}`).digest('hex');
    const id = `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
    this.rows.push({
      ics_id: this.icsId, id, email, name: person.name, role, organisation_id: organisationId,
      password_hash: null, nhsid_useruid: demoNhsidUseruid(person.email), ...demoRegistration(role, person.id), active: true,
    });
  }

  /**
   * The demo user of a role added after the generator's streams were set
   * (the ICS clinical lead): drawn from streams of its own, so everyone and
   * everything else generated stays as it was.
   */
  demoApart(role: Role, organisationId: string): string {
    const streams = { ids: this.ids, rng: this.rng };
    this.ids = new Rng(this.icsId, `demo-user-ids:${role}`);
    this.rng = new Rng(this.icsId, `demo-user:${role}`);
    try {
      return this.add(role, organisationId, true);
    } finally {
      ({ ids: this.ids, rng: this.rng } = streams);
    }
  }

  /** `count` professionals of one role at one organisation; the first is the demo user when asked. */
  pool(role: Role, organisationId: string, count: number, demoFirst = false): string[] {
    return Array.from({ length: Math.max(1, count) }, (_, i) => this.add(role, organisationId, demoFirst && i === 0));
  }
}
