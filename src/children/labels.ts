/** Words for codes, as a clinician reads them. */

export const FLAG_LABELS: Record<string, string> = {
  'looked-after': 'Looked after child',
  'child-protection-plan': 'Child protection plan',
  'young-carer': 'Young carer',
};

/** NHS ethnic category codes (Data Dictionary, 2001 census groups). */
export const ETHNIC_CATEGORIES: Record<string, string> = {
  A: 'White – British', B: 'White – Irish', C: 'White – any other White background',
  D: 'Mixed – White and Black Caribbean', E: 'Mixed – White and Black African', F: 'Mixed – White and Asian', G: 'Mixed – any other mixed background',
  H: 'Asian or Asian British – Indian', J: 'Asian or Asian British – Pakistani', K: 'Asian or Asian British – Bangladeshi', L: 'Asian or Asian British – any other Asian background',
  M: 'Black or Black British – Caribbean', N: 'Black or Black British – African', P: 'Black or Black British – any other Black background',
  R: 'Other ethnic groups – Chinese', S: 'Other ethnic groups – any other ethnic group', Z: 'Not stated', '99': 'Not known',
};

/** Age in whole years (and months under 2), as shown beside a date of birth. */
export function ageOn(dateOfBirth: string, today = new Date()): string {
  const dob = new Date(`${dateOfBirth}T00:00:00Z`);
  let months = (today.getUTCFullYear() - dob.getUTCFullYear()) * 12 + (today.getUTCMonth() - dob.getUTCMonth());
  if (today.getUTCDate() < dob.getUTCDate()) months--;
  if (months < 24) return `${months} month${months === 1 ? '' : 's'}`;
  return `${Math.floor(months / 12)} years`;
}
