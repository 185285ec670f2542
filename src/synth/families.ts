import { ETHNIC_CODES, ethnicMix, familyNameGroup, type EthnicCode, type NameGroup } from './ethnicity.js';
import { emailWord, givenName, surname, type Sex } from './names.js';
import type { Rng } from '../platform/random/seeded.js';
import type { Lsoa, Practice, School } from './structure.js';
import type { Row } from './writer.js';

export type Adult = { id: string; relationship: string; parentalResponsibility: boolean; row: Row };

export type Family = {
  ethnic: EthnicCode;
  nameGroup: NameGroup;
  childSurname: string;
  lsoa: Lsoa;
  adults: Adult[];
  primary: School | null;
  secondary: School | null;
};

/** Children (0–17) per household: mean ≈ 1.8, as ONS families with dependent children. */
const SIZES = [0.42, 0.38, 0.14, 0.045, 0.015];
export const drawFamilySize = (rng: Rng) => 1 + rng.weighted(SIZES);

/** Ofcom reserves 07700 900000–900999 for drama: never a real mobile. */
export const dramaPhone = (rng: Rng) => `07700 900${String(rng.int(0, 999)).padStart(3, '0')}`;

export type AdultInput = {
  icsId: string;
  given: string;
  family: string;
  address: string;
  relationship: string;
  parentalResponsibility: boolean;
  phone?: boolean;
};

export function makeAdult(rng: Rng, ids: Rng, a: AdultInput): Adult {
  const id = ids.uuid();
  const email = rng.chance(0.7) ? `${emailWord(a.given)}.${emailWord(a.family)}${rng.int(1, 99)}@example.com` : null;
  return {
    id,
    relationship: a.relationship,
    parentalResponsibility: a.parentalResponsibility,
    row: {
      ics_id: a.icsId,
      id,
      given_name: a.given,
      family_name: a.family,
      phone: a.phone === false ? null : dramaPhone(rng),
      email,
      address: a.address,
    },
  };
}

export const addressIn = (rng: Rng, lsoa: Lsoa) => `${rng.int(1, 180)} ${rng.pick(lsoa.streets)}, ${lsoa.district}`;

/**
 * A household: where it lives, its ethnicity and names, and the adults in the
 * children's lives. About two in three have two parents with parental
 * responsibility, one in four a lone parent (mostly mothers), a few a kinship
 * carer; some have a grandparent involved without parental responsibility.
 */
export function makeFamily(rng: Rng, ids: Rng, icsId: string, practice: Practice): Family {
  const ethnic = ETHNIC_CODES[rng.weighted(ethnicMix(practice.diversity))];
  const nameGroup = familyNameGroup(rng, ethnic);
  const lsoa = rng.pick(practice.lsoas);
  const address = addressIn(rng, lsoa);
  const adults: Adult[] = [];
  const adult = (sex: Sex, family: string, relationship: string, pr: boolean, where = address, phone = true) => {
    const a = makeAdult(rng, ids, {
      icsId,
      given: givenName(rng, sex, nameGroup, true),
      family,
      address: where,
      relationship,
      parentalResponsibility: pr,
      phone,
    });
    adults.push(a);
    return a;
  };

  let childSurname = surname(rng, nameGroup);
  const shape = rng.weighted([0.68, 0.28, 0.04]);
  if (shape === 0) {
    if (rng.chance(0.04)) {
      const sex: Sex = rng.chance(0.5) ? 'female' : 'male';
      adult(sex, childSurname, 'parent', true);
      adult(sex, rng.chance(0.5) ? childSurname : surname(rng, nameGroup), 'parent', true);
    } else {
      adult('female', rng.chance(0.75) ? childSurname : surname(rng, nameGroup), 'mother', true);
      adult('male', childSurname, 'father', true);
    }
  } else if (shape === 1) {
    const mother = rng.chance(0.88);
    const own = surname(rng, nameGroup);
    // A lone mother's children often carry their father's surname.
    if (mother && rng.chance(0.2)) childSurname = surname(rng, nameGroup);
    else childSurname = own;
    adult(mother ? 'female' : 'male', own, mother ? 'mother' : 'father', true);
  } else {
    // Kinship care, usually a grandparent or aunt under a special guardianship order.
    adult(rng.chance(0.8) ? 'female' : 'male', rng.chance(0.6) ? childSurname : surname(rng, nameGroup), 'carer', true);
  }
  if (rng.chance(0.08)) {
    adult(rng.chance(0.65) ? 'female' : 'male', rng.chance(0.5) ? childSurname : surname(rng, nameGroup), 'grandparent', false,
      addressIn(rng, rng.pick(practice.lsoas)), rng.chance(0.6));
  }

  return {
    ethnic,
    nameGroup,
    childSurname,
    lsoa,
    adults,
    primary: rng.pick(practice.cluster.primaries),
    secondary: rng.pick(practice.cluster.secondaries),
  };
}
