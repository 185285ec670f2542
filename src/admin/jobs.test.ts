import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageText } from '../../test/http.js';
import { runJob, type ScheduledJob } from '../platform/jobs/runner.js';
import { latestRuns } from '../platform/jobs/runs.js';
import { ageMilestonesJob } from '../family/service.js';
import { startAdminTest, GP, type AdminTest } from './test-setup.js';

/** The administrator's page of scheduled jobs: each job, how often, next due, and its latest runs with what they did or their error. */
describe('an administrator reads the scheduled jobs and their runs', () => {
  let t: AdminTest;
  beforeAll(async () => {
    t = await startAdminTest('pglite');
  });
  afterAll(() => t?.close());

  it('lists each job with its interval, next run and latest runs: the error for one that failed, and never the counts a run made across every ICS', async () => {
    await runJob(t.db, ageMilestonesJob(t.db), 'command', new Date('2026-12-07T06:00:00Z'));
    const failing: ScheduledJob = { name: 'feed-check', everyMinutes: 30, run: async () => { throw new Error('The feed did not answer'); } };
    await runJob(t.db, failing, 'schedule');

    const admin = await t.signIn();
    expect(pageText((await admin.get('/')).body)).toContain('Scheduled jobs');
    const res = await admin.get('/admin/jobs');
    expect(res.statusCode).toBe(200);
    const page = pageText(res.body);
    const milestones = page.slice(page.indexOf('age-milestones'), page.indexOf('feed-check'));
    expect(milestones).toContain('Runs every 1440 minutes');
    expect(milestones).toMatch(/Next due \d/);
    expect(milestones).toContain('(by a command)');
    expect(milestones).toContain('Done');
    // The run's summary counts across every ICS (here two), so an ICS's administrator is not shown it.
    const [{ summary }] = await latestRuns(t.db, 'age-milestones', 1);
    expect(summary).toMatch(/2026-12-07, 2 ICS: \d+ paused for review/);
    expect(page).not.toContain(summary);
    expect(page).not.toMatch(/\d+ ICS: /);
    const feed = page.slice(page.indexOf('feed-check'));
    expect(feed).toContain('Runs every 30 minutes');
    expect(feed).toContain('Failed');
    expect(feed).toContain('The feed did not answer');
  });

  it('refuses everyone but administrators', async () => {
    const gp = await t.signIn(GP);
    expect((await gp.get('/admin/jobs')).statusCode).toBe(403);
    expect(pageText((await gp.get('/')).body)).not.toContain('Scheduled jobs');
  });
});
