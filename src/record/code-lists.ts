import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/**
 * The small code lists the project ships as data (data/*.tsv and
 * data/immunisation-schedule.json): SNOMED CT subsets for allergies,
 * procedures, vaccines, observations and contact reasons, a dm+d-like
 * medicines subset, and the UK routine immunisation schedule. Loaded once,
 * on first use, and checked as they load: a malformed file fails loudly.
 */

const DATA_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../data');

export type AllergyCategory = 'food' | 'medication' | 'environment' | 'biologic';
export type Severity = 'mild' | 'moderate' | 'severe';

export type VaccineCode = { key: string; code: string; display: string; verified: boolean };
export type AllergyCode = {
  key: string; code: string; display: string; category: AllergyCategory; reaction: string; severity: Severity;
  /** Relative frequency among children with a recorded allergy. */
  share: number;
  /** Ages in years between which it is first recorded. */
  onsetFrom: number; onsetTo: number; verified: boolean;
};
export type ObservationCode = { key: string; code: string; display: string; unit: string; verified: boolean };
export type Medicine = {
  key: string;
  /** dm+d VMP id, or null where the id has not been checked (the name is still right). */
  code: string | null;
  name: string; dose: string; group: string; course: 'repeat' | 'acute'; verified: boolean;
};
export type ProcedureCode = { key: string; code: string | null; display: string; who: string; verified: boolean };
export type SensitiveEntryCode = {
  key: string; kind: 'problem' | 'medication' | 'communication-need'; code: string | null; display: string;
  category: 'sexual-health' | 'confidential-from-parents'; sex: 'any' | 'female'; verified: boolean;
};
export type ContactReason = {
  key: string; code: string | null; display: string; settings: string[]; weight: number; ageFrom: number; ageTo: number; verified: boolean;
};

const ageSchema = z
  .object({ weeks: z.number().int().min(0).optional(), months: z.number().int().min(0).optional(), years: z.number().int().min(0).optional() })
  .strict()
  .refine((a) => a.weeks !== undefined || a.months !== undefined || a.years !== undefined, 'an age needs weeks, months or years');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const scheduleSchema = z.object({
  title: z.string(),
  source: z.string(),
  note: z.string(),
  doses: z
    .array(
      z
        .object({
          key: z.string().min(1),
          vaccine: z.string().min(1),
          dose: z.number().int().min(1).max(10),
          age: ageSchema,
          ageText: z.string().min(1),
          bornFrom: isoDate.optional(),
          bornBefore: isoDate.optional(),
        })
        .strict(),
    )
    .min(1),
});
export type ScheduleAge = z.infer<typeof ageSchema>;
export type ScheduledDose = z.infer<typeof scheduleSchema>['doses'][number];
export type ImmunisationSchedule = z.infer<typeof scheduleSchema>;

export type CodeLists = {
  vaccines: ReadonlyMap<string, VaccineCode>;
  allergies: readonly AllergyCode[];
  observations: ReadonlyMap<string, ObservationCode>;
  medicines: ReadonlyMap<string, Medicine>;
  procedures: ReadonlyMap<string, ProcedureCode>;
  contactReasons: readonly ContactReason[];
  sensitiveEntries: readonly SensitiveEntryCode[];
  schedule: ImmunisationSchedule;
};

const VERHOEFF_D = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5], [2, 3, 4, 0, 1, 7, 8, 9, 5, 6], [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
  [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1], [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
  [8, 7, 6, 5, 9, 3, 2, 1, 0, 4], [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
const VERHOEFF_P = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4], [5, 8, 0, 3, 7, 9, 6, 1, 4, 2], [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
  [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1], [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];

/**
 * Whether text is a well-formed SNOMED CT concept id (dm+d ids are SNOMED ids
 * too): 6–18 digits, no leading zero, a concept partition ("00" short form,
 * "10" in an extension namespace) and a valid Verhoeff check digit. It says
 * nothing about whether the concept exists; it catches typing mistakes.
 */
export function isSnomedConceptId(text: string): boolean {
  if (!/^[1-9]\d{5,17}$/.test(text)) return false;
  const partition = text.slice(-3, -1);
  if (partition !== '00' && partition !== '10') return false;
  let c = 0;
  for (let i = 0; i < text.length; i++) c = VERHOEFF_D[c][VERHOEFF_P[i % 8][Number(text[text.length - 1 - i])]];
  return c === 0;
}

function readTsv(file: string): Record<string, string>[] {
  const lines = fs
    .readFileSync(path.join(DATA_DIR, file), 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '' && !l.startsWith('#'));
  const [header, ...body] = lines.map((l) => l.split('\t'));
  return body.map((cells, i) => {
    if (cells.length !== header.length) throw new Error(`data/${file}: row ${i + 1} has ${cells.length} cells, the header ${header.length}`);
    return Object.fromEntries(header.map((h, j) => [h, cells[j].trim()]));
  });
}

function code(file: string, text: string, optional: true): string | null;
function code(file: string, text: string, optional?: false): string;
function code(file: string, text: string, optional = false): string | null {
  if (text === '' && optional) return null;
  if (!isSnomedConceptId(text)) throw new Error(`data/${file}: "${text}" is not a well-formed SNOMED CT / dm+d id`);
  return text;
}

function num(file: string, text: string): number {
  const n = Number(text);
  if (text === '' || !Number.isFinite(n)) throw new Error(`data/${file}: "${text}" is not a number`);
  return n;
}

function oneOf<T extends string>(file: string, text: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(text)) throw new Error(`data/${file}: "${text}" is not one of ${allowed.join(', ')}`);
  return text as T;
}

const yes = (file: string, text: string) => oneOf(file, text, ['yes', 'no'] as const) === 'yes';

function byKey<T extends { key: string }>(file: string, rows: T[]): Map<string, T> {
  const map = new Map<string, T>();
  for (const r of rows) {
    if (map.has(r.key)) throw new Error(`data/${file}: key "${r.key}" appears twice`);
    map.set(r.key, r);
  }
  return map;
}

function load(): CodeLists {
  const V = 'vaccines.tsv';
  const vaccines = byKey(V, readTsv(V).map((r) => ({ key: r.key, code: code(V, r.snomed_code), display: r.display, verified: yes(V, r.verified) })));
  const A = 'allergies.tsv';
  const allergies = [
    ...byKey(
      A,
      readTsv(A).map((r) => ({
        key: r.key,
        code: code(A, r.snomed_code),
        display: r.display,
        category: oneOf(A, r.category, ['food', 'medication', 'environment', 'biologic'] as const),
        reaction: r.reaction,
        severity: oneOf(A, r.severity, ['mild', 'moderate', 'severe'] as const),
        share: num(A, r.share),
        onsetFrom: num(A, r.onset_from),
        onsetTo: num(A, r.onset_to),
        verified: yes(A, r.verified),
      })),
    ).values(),
  ];
  const O = 'observations.tsv';
  const observations = byKey(
    O,
    readTsv(O).map((r) => ({ key: r.key, code: code(O, r.snomed_code), display: r.display, unit: r.unit, verified: yes(O, r.verified) })),
  );
  const M = 'medicines.tsv';
  const medicines = byKey(
    M,
    readTsv(M).map((r) => ({
      key: r.key,
      code: code(M, r.dmd_code, true),
      name: r.name,
      dose: r.dose,
      group: r.group,
      course: oneOf(M, r.course, ['repeat', 'acute'] as const),
      verified: yes(M, r.verified),
    })),
  );
  const P = 'procedures.tsv';
  const procedures = byKey(
    P,
    readTsv(P).map((r) => ({ key: r.key, code: code(P, r.snomed_code, true), display: r.display, who: r.who, verified: yes(P, r.verified) })),
  );
  const C = 'contact-reasons.tsv';
  const contactReasons = [
    ...byKey(
      C,
      readTsv(C).map((r) => ({
        key: r.key,
        code: code(C, r.snomed_code, true),
        display: r.display,
        settings: r.setting.split(',').map((s) => s.trim()),
        weight: num(C, r.weight),
        ageFrom: num(C, r.age_from),
        ageTo: num(C, r.age_to),
        verified: yes(C, r.verified),
      })),
    ).values(),
  ];
  const S = 'sensitive-entries.tsv';
  const sensitiveEntries = [
    ...byKey(
      S,
      readTsv(S).map((r) => ({
        key: r.key,
        kind: oneOf(S, r.kind, ['problem', 'medication', 'communication-need'] as const),
        code: code(S, r.snomed_code, true),
        display: r.display,
        category: oneOf(S, r.category, ['sexual-health', 'confidential-from-parents'] as const),
        sex: oneOf(S, r.sex, ['any', 'female'] as const),
        verified: yes(S, r.verified),
      })),
    ).values(),
  ];
  const schedule = scheduleSchema.parse(JSON.parse(fs.readFileSync(path.join(DATA_DIR, 'immunisation-schedule.json'), 'utf8')));
  const seen = new Set<string>();
  for (const d of schedule.doses) {
    if (seen.has(d.key)) throw new Error(`data/immunisation-schedule.json: dose key "${d.key}" appears twice`);
    seen.add(d.key);
    if (!vaccines.has(d.vaccine)) throw new Error(`data/immunisation-schedule.json: vaccine "${d.vaccine}" is not in data/vaccines.tsv`);
  }
  return { vaccines, allergies, observations, medicines, procedures, contactReasons, sensitiveEntries, schedule };
}

let loaded: CodeLists | null = null;

/** Every shipped code list, read and checked on first use. */
export function codeLists(): CodeLists {
  loaded ??= load();
  return loaded;
}

function must<T>(map: ReadonlyMap<string, T>, key: string, what: string): T {
  const found = map.get(key);
  if (!found) throw new Error(`${what} "${key}" is not in the shipped code lists`);
  return found;
}

export const vaccine = (key: string) => must(codeLists().vaccines, key, 'vaccine');
export const medicine = (key: string) => must(codeLists().medicines, key, 'medicine');
export const observation = (key: string) => must(codeLists().observations, key, 'observation');
export const procedure = (key: string) => must(codeLists().procedures, key, 'procedure');
export const medicinesInGroup = (group: string) => [...codeLists().medicines.values()].filter((m) => m.group === group);
