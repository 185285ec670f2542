import { MECHANISMS, MODEL_TYPES, NUMERIC_ATTRIBUTES, STAFF_GROUPS, type Configuration, type RegisteredModel } from './index.js';
import type { Indicator } from '../population/index.js';

/** How the register puts a model's attributes in words: one place for the pages and the CSV. */

const NOT_KNOWN = 'Not recorded';

function dateWords(iso: string): string {
  return new Date(`${iso}T00:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}

/** Each attribute of a configuration as [label, words], in the comparison's order. */
export function attributeWords(c: Configuration): [string, string][] {
  const numbers = NUMERIC_ATTRIBUTES.map(([k, label, unit]): [string, string] => [label, c[k] === null ? NOT_KNOWN : `${c[k]!.toLocaleString('en-GB')}${unit ? ` ${unit}` : ''}`]);
  return [
    ...numbers,
    ['Staff groups', c.staffGroups.length ? c.staffGroups.map((g) => STAFF_GROUPS[g]).join(', ') : NOT_KNOWN],
    ['Hours', c.hours || NOT_KNOWN],
    ['Started', c.startDate ? dateWords(c.startDate) : NOT_KNOWN],
    ['Led by', c.lead || NOT_KNOWN],
  ];
}

const indicatorNames = (ids: string[], indicators: Indicator[]) => ids.map((id) => indicators.find((i) => i.id === id)?.name ?? id);

/** The model's whole description as [label, words], for its page and the register's CSV. */
export function modelWords(m: RegisteredModel, indicators: Indicator[]): [string, string][] {
  return [
    ['Type', MODEL_TYPES[m.type]],
    ...attributeWords(m.configuration),
    ['Mechanisms', m.mechanisms.length ? m.mechanisms.map((k) => MECHANISMS[k]).join('; ') : NOT_KNOWN],
    ['Early indicators', m.earlyIndicators.length ? indicatorNames(m.earlyIndicators, indicators).join('; ') : 'None chosen'],
    ['Final outcomes', m.finalOutcomes.length ? indicatorNames(m.finalOutcomes, indicators).join('; ') : 'None chosen'],
    ['Hubs', m.hubs.length ? m.hubs.map((h) => `${h.hub} (from ${h.start.slice(0, 7)})`).join('; ') : 'None recorded'],
  ];
}
