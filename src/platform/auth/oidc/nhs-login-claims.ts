import { z } from 'zod';
import { isValidNhsNumber } from '../../identity/nhs-number.js';
import type { FamilyMember } from '../../http/family-session.js';

/** To see a child's information a family member needs P9 (photo ID checked): these vectors, any of them. */
export const P9_VECTORS = ['P9.Cp.Cd', 'P9.Cp.Ck', 'P9.Cm'];
/** For advice pages P5 (matched to the national demographics service) is enough; a P9 person still gets P9. */
export const ADVICE_VECTORS = [...P9_VECTORS, 'P5.Cp.Cd', 'P5.Cp.Ck', 'P5.Cm'];

/** The NHS login claims a family session rests on, from the signed ID token: all required. */
export const nhsLoginClaims = z.object({
  vot: z.string().refine((v) => ADVICE_VECTORS.includes(v), 'a vector of trust Joinery asked for'),
  identity_proofing_level: z.enum(['P5', 'P9']),
  nhs_number: z.string().refine(isValidNhsNumber, 'a valid NHS number'),
  birthdate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date of birth as YYYY-MM-DD'),
  given_name: z.string().min(1),
  family_name: z.string().min(1),
});

/**
 * Who signed in and how sure NHS login is. The level is the lower of the
 * vector returned and the proofing level claimed: if they disagree, the
 * weaker one is believed.
 */
export function familyMemberFrom(claims: z.infer<typeof nhsLoginClaims>): FamilyMember {
  const fromVector = claims.vot.startsWith('P9') ? 'P9' : 'P5';
  const identityLevel = fromVector === 'P9' && claims.identity_proofing_level === 'P9' ? 'P9' : 'P5';
  return {
    givenName: claims.given_name, familyName: claims.family_name, nhsNumber: claims.nhs_number.replace(/\s/g, ''),
    birthdate: claims.birthdate, identityLevel, vectorOfTrust: claims.vot,
  };
}
