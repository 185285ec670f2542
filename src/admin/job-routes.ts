import { inTenant, type RouteModule } from '../platform/http/app.js';
import { jobSchedules, latestRuns } from '../platform/jobs/runs.js';
import { requireAdmin } from './service.js';

/** Runs shown for each job: enough to see whether it has been failing, and since when. */
const RUNS_SHOWN = 5;

/**
 * /admin/jobs: the jobs Joinery runs by itself (the age milestones of family
 * access, the virtual ward's clock), how often, when each is next due, and
 * its latest runs: started, finished, what it did or its error. Read only:
 * `joinery jobs run` runs one by hand. Jobs serve every ICS, so a run's
 * summary counts across all of them: an ICS's administrator is shown only
 * whether each run worked and its error, never counts that include other ICSs.
 */
export const jobRoutes: RouteModule = (app, deps) => {
  app.get('/admin/jobs', async (req, reply) => {
    await inTenant(deps, req, async (_tx, actor) => requireAdmin(actor));
    const jobs = await Promise.all((await jobSchedules(deps.db)).map(async (job) => ({
      ...job, runs: (await latestRuns(deps.db, job.name, RUNS_SHOWN)).map(({ summary: _acrossIcss, ...run }) => run),
    })));
    return reply.page('admin/views/jobs.njk', { title: 'Scheduled jobs', jobs });
  });
};
