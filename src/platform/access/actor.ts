import type { Role } from './roles.js';

/** The signed-in professional on whose behalf a request acts. */
export type Actor = {
  icsId: string;
  professionalId: string;
  name: string;
  email: string;
  role: Role;
  organisationId: string;
  organisationName: string;
};
