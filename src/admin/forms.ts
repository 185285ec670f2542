import { z } from 'zod';
import { ORGANISATION_KINDS } from '../platform/access/organisation-kinds.js';
import { ROLE_IDS, type Role } from '../platform/access/roles.js';
import { text } from '../platform/http/validate.js';

/** Shapes of every admin form and query. Rules that need the database live in service.ts. */

const name = (label: string) => text(label);

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

// z.guid, not z.uuid: ids from imports or the generator need not carry RFC version bits.
const choice = (message: string) => z.preprocess(blankToUndefined, z.guid({ error: message }));
const optionalChoice = (message: string) => z.preprocess(blankToUndefined, z.guid({ error: message }).optional());

/** A fingerprint of the record as the form showed it; a mismatch on save means someone else changed it. */
const version = z.string().max(64).optional();

const page = z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(1_000_000).default(1));
const notice = z.string().max(50).optional().catch(undefined);

export { idParam as idFrom } from '../platform/http/validate.js';

/** What the user typed, to put back in the form after an error (bounded so a huge post is not echoed). */
export function formValues(body: unknown, keys: string[]): Record<string, string> {
  const source = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  return Object.fromEntries(keys.map((k) => [k, typeof source[k] === 'string' ? (source[k] as string).slice(0, 1000) : '']));
}

export const organisationQuery = z.object({
  kind: z.preprocess(blankToUndefined, z.enum(ORGANISATION_KINDS, { error: 'Select a kind of organisation' }).optional()),
  page,
  notice,
});

export const organisationForm = z.object({
  name: name('the organisation name'),
  kind: z.enum(ORGANISATION_KINDS, { error: 'Select the kind of organisation' }),
  // People type ODS codes in lower case; the code itself is upper case.
  odsCode: z.preprocess(
    (v) => (typeof v === 'string' ? v.trim().toUpperCase() : v),
    z
      .string({ error: 'Enter the ODS code' })
      .min(1, 'Enter the ODS code')
      .regex(/^[A-Z0-9]{3,6}$/, 'ODS code must be 3 to 6 letters or numbers, like A81001 or RJ1'),
  ),
  placeId: optionalChoice('Select a place from the list'),
  version,
});
export type OrganisationInput = z.infer<typeof organisationForm>;

export const clusterForm = z.object({
  name: name('the cluster name'),
  placeId: choice('Select a place'),
  leadId: choice('Select a lead paediatrician'),
});
export type ClusterInput = z.infer<typeof clusterForm>;

/** A hub's promises, in working days: how fast it triages a referral and answers an advice request. */
const workingDays = (label: string, max: number) =>
  z.preprocess(
    blankToUndefined,
    z.coerce.number({ error: `Enter the working days to ${label}, as a number` })
      .int(`Enter a whole number of working days to ${label}`)
      .min(1, `Working days to ${label} must be between 1 and ${max}`)
      .max(max, `Working days to ${label} must be between 1 and ${max}`),
  );
export const workingDaysForm = z.object({ triageWorkingDays: workingDays('triage', 10), adviceWorkingDays: workingDays('answer advice', 5) });
export type WorkingDaysInput = z.infer<typeof workingDaysForm>;

export const addPracticeForm = z.object({ practiceId: choice('Select a GP practice to add') });
export const leadForm = z.object({ leadId: choice('Select a lead paediatrician') });

const role = z.enum(ROLE_IDS as [Role, ...Role[]], { error: 'Select a role' });
const email = z.preprocess(
  (v) => (typeof v === 'string' ? v.trim().toLowerCase() : v),
  z
    .string({ error: 'Enter an email address' })
    .min(1, 'Enter an email address')
    .max(200, 'Email address must be 200 characters or fewer')
    .email('Enter an email address in the correct format, like name@example.nhs.uk'),
);
// Passwords are not trimmed: spaces are part of a passphrase.
const password = z.preprocess(
  (v) => (v === '' ? undefined : v),
  z
    .string({ error: 'Enter a password' })
    .min(12, 'Password must be at least 12 characters')
    .max(200, 'Password must be 200 characters or fewer')
    .optional(),
);
// An unticked checkbox sends nothing.
const ticked = z.preprocess((v) => v === 'yes' || (Array.isArray(v) && v.includes('yes')), z.boolean());

export const userQuery = z.object({
  role: z.preprocess(blankToUndefined, role.optional()),
  page,
  notice,
});

export const newUserForm = z.object({
  name: name('the user’s full name'),
  email,
  role,
  organisationId: choice('Select an organisation'),
  password,
});
export type NewUserInput = z.infer<typeof newUserForm>;

/** An NHS CIS2 user ID (nhsid_useruid): 12 digits, spaces allowed as typed; blank unlinks. */
const nhsidUseruid = z.preprocess(
  (v) => (typeof v === 'string' ? v.replace(/\s/g, '') : v),
  z.union([z.literal('').transform(() => null), z.string().regex(/^\d{12}$/, 'Enter the CIS2 user ID as 12 digits, like 555 000 000 001')]),
).optional().transform((v) => v ?? null);

export const editUserForm = z.object({
  name: name('the user’s full name'),
  role,
  organisationId: choice('Select an organisation'),
  active: ticked,
  nhsidUseruid,
  version,
});
export type EditUserInput = z.infer<typeof editUserForm>;
