import { z } from 'zod';
import { readJson } from '../../data-files.js';
import { ROLE_IDS, type Role } from '../../access/roles.js';
import { ORGANISATION_KINDS, type OrganisationKind } from '../../access/organisation-kinds.js';

/** One line of data/national-rbac-roles.json: a national job role at some kinds of organisation confirms these Joinery roles. */
const mapping = z.object({
  jobRole: z.string().regex(/^R\d{4}$/, 'jobRole must be an R code like R8000'),
  name: z.string().min(1),
  organisationKinds: z.array(z.enum(ORGANISATION_KINDS)).min(1),
  joineryRoles: z.array(z.enum(ROLE_IDS as [Role, ...Role[]])).min(1),
  activityCodes: z.array(z.string().regex(/^B\d{4}$/, 'activity codes are B codes like B0820')).optional(),
  note: z.string().optional(),
});
export type NationalRoleMapping = z.infer<typeof mapping>;

export const NATIONAL_ROLES_FILE = 'national-rbac-roles.json';

let loaded: NationalRoleMapping[] | undefined;

/** The ICS's mapping, read once and checked: a mistake in the file stops Joinery at start rather than guessing a role later. */
export function nationalRoleMappings(): NationalRoleMapping[] {
  if (!loaded) {
    const parsed = z.object({ mappings: z.array(mapping) }).safeParse(readJson(NATIONAL_ROLES_FILE));
    if (!parsed.success) {
      throw new Error(`data/${NATIONAL_ROLES_FILE}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
    loaded = parsed.data.mappings;
  }
  return loaded;
}

/** The job role (R code) at the end of a role_code like S8000:G8000:R8000. */
export const jobRoleOf = (roleCode: string): string | undefined => /(?:^|:)(R\d{4})$/.exec(roleCode)?.[1];

/** The Joinery roles a national role at this kind of organisation confirms (none: Joinery does not map it). */
export function joineryRolesFor(roleCode: string, activityCodes: readonly string[], kind: OrganisationKind): Role[] {
  const jobRole = jobRoleOf(roleCode);
  return nationalRoleMappings()
    .filter((m) => m.jobRole === jobRole && m.organisationKinds.includes(kind) && (m.activityCodes ?? []).every((c) => activityCodes.includes(c)))
    .flatMap((m) => m.joineryRoles);
}

/** For the demo's stand-in: a national role that confirms this Joinery role at this kind of organisation. */
export function nationalRoleFor(role: Role, kind: OrganisationKind): { roleCode: string; name: string; activityCodes: string[] } | undefined {
  const m = nationalRoleMappings().find((x) => x.joineryRoles.includes(role) && x.organisationKinds.includes(kind));
  return m && { roleCode: `S8000:G8000:${m.jobRole}`, name: m.name, activityCodes: m.activityCodes ?? [] };
}

/** The national job roles (R codes) that may confirm this Joinery role at this kind of organisation. */
export function jobRolesConfirming(role: Role, kind: OrganisationKind): string[] {
  return nationalRoleMappings().filter((m) => m.joineryRoles.includes(role) && m.organisationKinds.includes(kind)).map((m) => m.jobRole);
}
