import { readGroupedNames } from '../platform/data-files.js';
import type { NameGroup } from './ethnicity.js';
import type { Rng } from '../platform/random/seeded.js';

export type Sex = 'male' | 'female';

type Lists = { female: Map<string, string[]>; male: Map<string, string[]>; surnames: Map<string, string[]> };

let cached: Lists | null = null;

function lists(): Lists {
  cached ??= {
    female: readGroupedNames('first-names-female.txt'),
    male: readGroupedNames('first-names-male.txt'),
    surnames: readGroupedNames('surnames.txt'),
  };
  return cached;
}

function group(map: Map<string, string[]>, key: string, fallback: string): string[] {
  const found = map.get(key) ?? map.get(fallback);
  if (!found || found.length === 0) throw new Error(`no names for group "${key}"`);
  return found;
}

/** A given name: adults draw from their generation's list when the group has one. */
export function givenName(rng: Rng, sex: Sex, nameGroup: NameGroup, adult = false): string {
  const map = sex === 'female' ? lists().female : lists().male;
  // Adults sometimes carry a name that is popular again with children.
  const key = adult && rng.chance(0.8) ? `${nameGroup} adult` : nameGroup;
  return rng.pick(group(map, key, nameGroup));
}

export function surname(rng: Rng, nameGroup: NameGroup): string {
  return rng.pick(group(lists().surnames, nameGroup, 'english'));
}

/** "Siân O'Brien-Smith" → "sianobriensmith": safe inside an email local part. */
export function emailWord(name: string): string {
  return name
    .normalize('NFD')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}
