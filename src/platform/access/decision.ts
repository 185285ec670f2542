import { SYSTEM_ROLE, type Actor } from './actor.js';
import type { Role } from './roles.js';

/**
 * The answer every policy rule gives. An allowed decision carries `why` (the
 * relationship or role), which the audit records; a refusal carries the
 * sentence the person refused reads.
 */
export type Decision = { allowed: true; why: string } | { allowed: false; reason: string };

export const allow = (why: string): Decision => ({ allowed: true, why });
export const deny = (reason: string): Decision => ({ allowed: false, reason });

/** Whether a person (never a system) holds one of these roles; also asked of a professional chosen on a form. */
export const has = (person: Pick<Actor, 'role'> | { role: string }, roles: readonly Role[]) =>
  person.role !== SYSTEM_ROLE && (roles as readonly string[]).includes(person.role);
