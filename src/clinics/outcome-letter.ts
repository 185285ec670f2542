import { longDate } from '../platform/time/calendar-days.js';
import { formatNhsNumber } from '../platform/identity/nhs-number.js';
import type { LetterValues } from '../letters/service.js';
import type { ClinicNext } from './schema.js';

/**
 * The facts of a clinic outcome, in the words the ICS's 'clinic-outcome'
 * template fills in. Only what the clinician wrote and who was there: never
 * entries from the record, so nothing sensitive can reach the family's letter.
 */
type OutcomeFacts = {
  child: { given_name: string; family_name: string; date_of_birth: string; nhs_number: string | null };
  hub: string; clinicDate: string; venue: string; seenBy: string; question: string; plan: string;
  next: ClinicNext; service: string | null; careTeam: string[]; clinician: string;
};

/** What happens next, as the family reads it. */
function nextInWords(childName: string, hub: string, next: ClinicNext, service: string | null): string {
  if (next === 'follow-up') return `We will see ${childName} again at the ${hub} clinic. The hub will contact you with the appointment.`;
  if (next === 'referred-on') return `We have referred ${childName} to ${service}, who will contact you about an appointment.`;
  return `${childName} is discharged from the hub clinic back to the care of their GP.`;
}

export function outcomeLetterValues(f: OutcomeFacts): LetterValues<'clinic-outcome'> {
  const child = `${f.child.given_name} ${f.child.family_name}`;
  return {
    child, born: longDate(f.child.date_of_birth), nhsNumber: f.child.nhs_number ? formatNhsNumber(f.child.nhs_number) : 'not known',
    hub: f.hub, clinicDate: longDate(f.clinicDate), venue: f.venue, seenBy: f.seenBy, question: f.question, plan: f.plan,
    next: nextInWords(child, f.hub, f.next, f.service), copiedTo: f.careTeam.length ? f.careTeam.join(', ') : 'no one else (the child has no care team yet)',
    clinician: f.clinician,
  };
}
