import crypto from 'node:crypto';
import { SYSTEM_ROLE, type Actor } from './actor.js';

/**
 * Who a scheduled job acts as: no person and no FHIR client, so no
 * relationship a person or a system client has (registration, care team,
 * integration engine) applies to it. A capability's relationship supplier
 * may relate a named job to the children it looks after, and a policy rule
 * may allow that job one action; everything else refuses it. Its fixed id
 * (made from the job's name) fills the audit's actor column.
 */

const PREFIX = 'Scheduled job: ';

export function scheduledJobId(jobName: string): string {
  const h = crypto.createHash('sha256').update(`scheduled-job:${jobName}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function scheduledJobActor(icsId: string, jobName: string): Actor {
  return {
    icsId, professionalId: scheduledJobId(jobName), name: `${PREFIX}${jobName}`, email: '', role: SYSTEM_ROLE,
    organisationId: icsId, organisationName: 'Joinery (scheduled job)',
  };
}

/** The actor is the scheduled job of this name (or any scheduled job when no name is given). */
export function isScheduledJob(actor: Actor, jobName?: string): boolean {
  if (actor.role !== SYSTEM_ROLE || actor.system !== undefined || !actor.name.startsWith(PREFIX)) return false;
  const name = actor.name.slice(PREFIX.length);
  return actor.professionalId === scheduledJobId(name) && (jobName === undefined || name === jobName);
}
