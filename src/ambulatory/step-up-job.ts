import type { ScheduledJob } from '../platform/jobs/job.js';
import type { Database } from '../platform/db/client.js';
import { everyIcsId } from '../platform/jobs/every-ics.js';
import { scheduledJobActor } from '../platform/access/actor.js';
import { VIRTUAL_WARD_CLOCK_JOB } from '../platform/access/policy.js';
import { RefusedAccess } from '../platform/access/refused-access.js';
import { ConflictError } from '../platform/http/errors.js';
import { rollUpWardStay } from '../population/service.js';
import { londonDateAndTime } from '../platform/time/form-dates.js';
import { raiseMissedObservation, stepUpEscalation } from './escalations.js';
import * as store from './store.js';

/**
 * The virtual ward's escalation clock as a scheduled job, so that opening the
 * caseload only reads. Every few minutes, in each ICS with a ward: each
 * escalation not acknowledged in time goes up to the next person on the rota,
 * and each stay whose observations are overdue gets a missed-observation
 * alert. Each change runs in its own transaction through the door as the
 * clock's actor, so one child's refusal (a frozen record) leaves the others
 * done; the ward's figures for the alerts' stays are refreshed once at the
 * end of the run. Running twice, or twice at once, changes things once (escalations.ts).
 */


/** Often enough that a 15-minute response timer is stepped up within a few minutes of running out. */
export const WARD_CLOCK_EVERY_MINUTES = 2;

export function wardClockJob(db: Database, opts: { icsIds?: () => Promise<string[]> } = {}): ScheduledJob {
  const icsIds = opts.icsIds ?? (() => everyIcsId(db));
  return {
    name: VIRTUAL_WARD_CLOCK_JOB,
    everyMinutes: WARD_CLOCK_EVERY_MINUTES,
    async run(now: Date): Promise<string> {
      let steppedUp = 0;
      let missed = 0;
      let refused = 0;
      for (const icsId of await icsIds()) {
        const clock = scheduledJobActor(icsId, VIRTUAL_WARD_CLOCK_JOB, 'Scheduled job: virtual ward escalation clock');
        const due = await db.tenant(icsId, async (tx) => {
          const ward = await store.theWard(tx, icsId);
          return ward ? { overdue: await store.overdueEscalations(tx, icsId, ward.id, now), missed: await store.missedObservations(tx, icsId, ward.id, now) } : null;
        });
        if (!due) continue;
        const each = async (work: () => Promise<boolean>) => {
          try {
            return await work();
          } catch (error) {
            // A refusal (a frozen record) is audited by the door, and a clash with a person's change is theirs to win; the rest of the ward still gets its turn.
            if (!(error instanceof RefusedAccess || error instanceof ConflictError)) throw error;
            refused += 1;
            return false;
          }
        };
        for (const x of due.overdue) if (await each(() => db.tenant(icsId, (tx) => stepUpEscalation(tx, clock, x, now)))) steppedUp += 1;
        // Alerts raised together (after an outage, many at once) refresh the ward's figures once for each month their stays began, not once each.
        const months = new Map<string, string>();
        for (const m of due.missed) {
          if (await each(async () => (await db.tenant(icsId, (tx) => raiseMissedObservation(tx, clock, m, now, { refreshFigures: false }))) !== null)) {
            missed += 1;
            months.set(londonDateAndTime(m.admitted_at).date.slice(0, 7), m.admitted_at);
          }
        }
        if (months.size) await db.tenant(icsId, async (tx) => { for (const admittedAt of months.values()) await rollUpWardStay(tx, icsId, admittedAt); });
      }
      return `${steppedUp} escalation${steppedUp === 1 ? '' : 's'} stepped up, ${missed} missed-observation alert${missed === 1 ? '' : 's'} raised${refused ? `, ${refused} refused` : ''}`;
    },
  };
}
