import type { Medication, MedicationRequest, MedicationStatement, Reference, Resource } from '@medplum/fhirtypes';
import type { Issue } from './outcome.js';

/**
 * A Medication sent as its own Bundle entry. Joinery keeps no Medication
 * rows: a medicine is part of the course that names it. So each
 * MedicationRequest or MedicationStatement that refers to the entry (by its
 * fullUrl, urn:uuid or Medication/<id>) carries it as a contained Medication,
 * which the medication codec already reads and gives back whole. The
 * Medication's own entry is answered with where it went; one that nothing
 * refers to is not kept, and the answer says so.
 */
export type HeldMedication = { index: number; issues: Issue[] };

type Sent = { index: number; resource: unknown; fullUrl?: string };

const USES = new Set(['MedicationRequest', 'MedicationStatement']);

/** The names a Medication entry may be referred to by within its Bundle. */
function namesOf(e: Sent): string[] {
  const m = e.resource as Medication;
  const names = e.fullUrl ? [e.fullUrl] : [];
  if (m.id) names.push(`Medication/${m.id}`);
  // An absolute fullUrl ending Medication/<id>: the relative form names it too.
  const tail = e.fullUrl ? /(Medication\/[A-Za-z0-9\-.]{1,64})$/.exec(e.fullUrl)?.[1] : undefined;
  if (tail) names.push(tail);
  return names;
}

/** A local id for the contained copy, unlike any the course already contains. */
function containedId(m: Medication, taken: Set<string>): string {
  let id = m.id && /^[A-Za-z0-9\-.]{1,64}$/.test(m.id) ? m.id : 'medication';
  for (let n = 2; taken.has(id); n++) id = `${m.id ?? 'medication'}-${n}`;
  return id;
}

/**
 * A MedicationRequest or MedicationStatement whose medicationReference names
 * a Medication sent beside it (`medicationNamed`), as a copy carrying that
 * Medication contained; undefined when it names none (the sender's object is
 * left alone). Bundles and NDJSON files both come through here.
 */
export function containReferredMedication(
  resource: unknown, medicationNamed: (reference: string) => Medication | undefined,
): { course: MedicationRequest | MedicationStatement; reference: string } | undefined {
  const course = resource as MedicationRequest | MedicationStatement | null;
  if (!course || typeof course !== 'object' || !USES.has(course.resourceType)) return undefined;
  const ref: Reference<Medication> | undefined = course.medicationReference;
  const m = typeof ref?.reference === 'string' ? medicationNamed(ref.reference) : undefined;
  if (!m || !ref?.reference) return undefined;
  const taken = new Set((Array.isArray(course.contained) ? course.contained : []).map((c) => c.id ?? ''));
  const id = containedId(m, taken);
  const contained = [...(Array.isArray(course.contained) ? course.contained : []), { ...m, id }];
  return { course: { ...course, contained, medicationReference: { ...ref, reference: `#${id}` } }, reference: ref.reference };
}

/**
 * Takes the Medication entries out of a Bundle's entries to write: each
 * course that refers to one gets it contained (a copy of the resource; the
 * sender's object is left alone). Returns what remains to write and the
 * answer for each Medication entry.
 */
export function holdMedications<E extends Sent>(entries: E[]): { rest: E[]; held: HeldMedication[] } {
  const medications = entries.filter((e) => (e.resource as Resource).resourceType === 'Medication');
  if (!medications.length) return { rest: entries, held: [] };
  const byName = new Map<string, E>();
  for (const e of medications) for (const name of namesOf(e)) byName.set(name, e);
  const usedBy = new Map<E, string[]>();
  const rest = entries.filter((e) => (e.resource as Resource).resourceType !== 'Medication').map((e) => {
    const withMedicine = containReferredMedication(e.resource, (reference) => byName.get(reference)?.resource as Medication | undefined);
    if (!withMedicine) return e;
    const medication = byName.get(withMedicine.reference)!;
    usedBy.set(medication, [...(usedBy.get(medication) ?? []), `${withMedicine.course.resourceType} (entry ${e.index})`]);
    return { ...e, resource: withMedicine.course };
  });
  const held = medications.map((e): HeldMedication => {
    const users = usedBy.get(e);
    if (!users) {
      return { index: e.index, issues: [{
        severity: 'warning', code: 'not-supported', expression: `Bundle.entry[${e.index}].resource`,
        text: 'Joinery keeps a Medication only inside the MedicationRequest or MedicationStatement that refers to it, and none in this Bundle does: it was not saved.',
      }] };
    }
    return { index: e.index, issues: [{
      severity: 'information', code: 'informational',
      text: `Kept as a contained Medication of ${users.join(', ')}: Joinery keeps a medicine inside the course that names it, and gives it back there.`,
    }] };
  });
  return { rest, held };
}
