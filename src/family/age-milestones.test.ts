import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { databaseError, rows } from '../platform/db/client.js';
import { databaseKinds } from '../../test/database.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { actorFor } from '../../test/actors.js';
import { signingInAs } from '../../test/family.js';
import { inIcs, one } from '../../test/in-ics.js';
import type { Actor } from '../platform/access/actor.js';
import type { FamilyMember } from '../platform/http/family-session.js';
import { londonToday } from '../platform/time/form-dates.js';
import { ValidationError } from '../platform/http/errors.js';
import * as family from './service.js';
import { checkAppSqlAsCitusWould } from '../../test/citus-ready/heard-in-tests.js';

const kinds = await databaseKinds();

/**
 * The daily age milestones job, run as `joinery jobs run age-milestones
 * --at …` runs it (the job's own clock): pauses at the ICS's review age and
 * at 16, ends at 18, 29 February birthdays, 30-day notices delivered to the
 * family pages, access unused for 5 years removed, nothing changed by a
 * second run, every change audited as the scheduled job.
 */
describe.each(kinds)('the age milestones job (%s)', (kind) => {
  let j: TestJoinery;
  let gp: Actor;
  let nextNhs = 9990002000;
  const taken: string[] = [];
  const at = (day: string) => new Date(`${day}T06:00:00Z`);
  const run = (day: string) => family.ageMilestonesJob(j.db).run(at(day));

  type Proxy = { grantId: string; childId: string; member: FamilyMember };

  /**
   * A child of the GP's practice born on `dob`, and a mother with proxy access granted on `grantedOn` (by default at 14:
   * after the review age, so not due a review, and less than 5 years before 18, so never unused for that long).
   */
  async function proxyFor(dob: string, grantedOn?: string): Promise<Proxy> {
    const c = await one<{ id: string; given_name: string }>(j, sql`SELECT id, given_name FROM child WHERE ics_id = ${gp.icsId}::uuid
      AND registered_practice_id = ${gp.organisationId}::uuid AND nhs_number IS NOT NULL AND NOT (id = ANY(${sql.param(taken)}::uuid[]))
      AND NOT EXISTS (SELECT 1 FROM family_access_grant g WHERE g.ics_id = ${gp.icsId}::uuid AND g.ics_id = child.ics_id AND g.child_id = child.id) ORDER BY id LIMIT 1`);
    taken.push(c.id);
    await j.db.owner.execute(sql`UPDATE child SET date_of_birth = ${dob}::date WHERE id = ${c.id}::uuid`);
    const person = crypto.randomUUID();
    const nhs = String(nextNhs++);
    await j.db.owner.execute(sql`INSERT INTO related_person (ics_id, id, given_name, family_name, nhs_number, date_of_birth)
      VALUES (${gp.icsId}::uuid, ${person}::uuid, 'Mo', 'Testmilestone', ${nhs}, '1980-05-05')`);
    await j.db.owner.execute(sql`INSERT INTO child_related_person (ics_id, child_id, related_person_id, relationship, parental_responsibility)
      VALUES (${gp.icsId}::uuid, ${c.id}::uuid, ${person}::uuid, 'mother', true)`);
    const grantId = crypto.randomUUID();
    await j.db.owner.execute(sql`INSERT INTO family_access_grant (ics_id, id, child_id, kind, related_person_id, nhs_number, date_of_birth, basis, evidence_note,
        may_see, granted_by, granted_by_name, granted_at)
      VALUES (${gp.icsId}::uuid, ${grantId}::uuid, ${c.id}::uuid, 'proxy', ${person}::uuid, ${nhs}, '1980-05-05', 'birth-certificate', 'Seen',
        ARRAY['appointments','plan','letters','messages'], ${gp.professionalId}::uuid, ${gp.name},
        ${grantedOn ? sql`${grantedOn}::timestamptz` : sql`(${dob}::date + interval '14 years')::timestamptz`})`);
    return { grantId, childId: c.id, member: { givenName: 'Mo', familyName: 'Testmilestone', nhsNumber: nhs, birthdate: '1980-05-05', identityLevel: 'P9', vectorOfTrust: 'P9.Cp.Cd' } };
  }

  const grantOf = (p: Proxy) => one<{ status: string; status_reason: string | null }>(j, sql`SELECT status, status_reason FROM family_access_grant WHERE id = ${p.grantId}::uuid`);
  const setReviewAge = (age: number) => j.db.owner.execute(sql`INSERT INTO family_setting (ics_id, review_age) VALUES (${gp.icsId}::uuid, ${age})
    ON CONFLICT (ics_id) DO UPDATE SET review_age = EXCLUDED.review_age`);

  beforeAll(async () => {
    j = await startJoinery(kind, 300);
    gp = await actorFor(j.db, 'gp@demo.joinery.test');
  }, 240_000);
  afterAll(() => j?.close());

  describe('across birthdays', () => {
    it('pauses a proxy on the 16th birthday, not the day before, unless the young person agreed', async () => {
      const p = await proxyFor('2011-03-02');
      const agreed = await proxyFor('2011-03-02');
      await j.db.owner.execute(sql`UPDATE family_access_grant SET young_person_agreed_on = '2027-02-20' WHERE id = ${agreed.grantId}::uuid`);
      await run('2027-03-01');
      expect(await grantOf(p)).toEqual({ status: 'active', status_reason: null });
      await run('2027-03-02');
      expect(await grantOf(p)).toEqual({ status: 'suspended', status_reason: 'Turned 16: paused until the young person agrees to it' });
      expect((await grantOf(agreed)).status).toBe('active');
    });

    it('an agreement recorded before 15 does not keep a proxy past 16; one recorded at 15 does', async () => {
      const early = await proxyFor('2011-04-05');
      const atFifteen = await proxyFor('2011-04-05');
      await j.db.owner.execute(sql`UPDATE family_access_grant SET young_person_agreed_on = '2025-06-01' WHERE id = ${early.grantId}::uuid`);
      await j.db.owner.execute(sql`UPDATE family_access_grant SET young_person_agreed_on = '2026-04-05' WHERE id = ${atFifteen.grantId}::uuid`);
      await run('2027-04-05');
      expect(await grantOf(early)).toEqual({ status: 'suspended', status_reason: 'Turned 16: paused until the young person agrees to it' });
      expect((await grantOf(atFifteen)).status).toBe('active');
    });

    it('a 29 February birthday: 16 on 29 February in a leap year, 18 on 1 March in a year without one', async () => {
      const leapSixteen = await proxyFor('2012-02-29');
      await run('2028-02-28');
      expect((await grantOf(leapSixteen)).status).toBe('active');
      await run('2028-02-29');
      expect((await grantOf(leapSixteen)).status).toBe('suspended');
      const eighteen = await proxyFor('2008-02-29');
      await j.db.owner.execute(sql`UPDATE family_access_grant SET young_person_agreed_on = '2024-03-01' WHERE id = ${eighteen.grantId}::uuid`);
      await run('2026-02-28');
      expect((await grantOf(eighteen)).status).toBe('active');
      await run('2026-03-01');
      expect(await grantOf(eighteen)).toEqual({ status: 'ended', status_reason: 'Turned 18: proxy access ends' });
    });

    it('at 18 ends a proxy unless a deputyship or the young person’s consent as an adult is recorded', async () => {
      const deputy = await proxyFor('2009-01-10');
      const ended = await proxyFor('2009-01-10');
      await j.db.owner.execute(sql`INSERT INTO family_access_review (ics_id, id, grant_id, child_id, milestone, basis, note, recorded_by, recorded_by_name)
        VALUES (${gp.icsId}::uuid, ${crypto.randomUUID()}::uuid, ${deputy.grantId}::uuid, ${deputy.childId}::uuid, '18', 'deputyship', 'Court of Protection order COP-123, 2026-11-02',
                ${gp.professionalId}::uuid, ${gp.name})`);
      await run('2027-01-10');
      expect((await grantOf(deputy)).status).toBe('active');
      expect((await grantOf(ended)).status).toBe('ended');
    });
  });

  describe('the ICS’s review age', () => {
    it('pauses a proxy at the review age set (11 here), on the birthday and not before; at 13 the same child is not due', async () => {
      const p = await proxyFor('2016-06-10', '2023-01-01');
      await setReviewAge(13);
      await run('2027-06-10');
      expect((await grantOf(p)).status).toBe('active');
      await setReviewAge(11);
      await run('2027-06-09');
      expect((await grantOf(p)).status).toBe('active');
      await run('2027-06-10');
      expect(await grantOf(p)).toEqual({ status: 'suspended', status_reason: 'Turned 11: paused until a professional reviews it with the young person' });
      await setReviewAge(13);
    });

    it('takes only 11 to 13 as the review age', async () => {
      for (const age of [10, 14]) {
        const error = await setReviewAge(age).then(() => null, (e: unknown) => e);
        expect(databaseError(error).code).toBe('23514');
      }
    });

    it('a professional’s review with the young person’s view lifts the pause and keeps it from coming back', async () => {
      const today = londonToday();
      const thirteen = `${Number(today.slice(0, 4)) - 13}${today.slice(4)}`;
      const p = await proxyFor(thirteen, '2022-06-01');
      await run(today);
      expect((await grantOf(p)).status).toBe('suspended');
      const missingView = await inIcs(j, (tx) => family.recordMilestoneDecision(tx, gp, p.childId, p.grantId, { milestoneDecision: 'review', milestoneNote: ' ' })).catch((e: unknown) => e);
      expect((missingView as ValidationError).fields).toEqual({ milestoneNote: 'Enter the young person’s view, how they gave their consent, or the court order’s reference and date' });
      await inIcs(j, (tx) => family.recordMilestoneDecision(tx, gp, p.childId, p.grantId, { milestoneDecision: 'review', milestoneNote: 'Happy for mum to see appointments' }));
      expect(await grantOf(p)).toEqual({ status: 'active', status_reason: null });
      await run(today);
      expect((await grantOf(p)).status).toBe('active');
      const history = await rows<{ change: string; by_name: string; reason: string }>(j.db.owner, sql`SELECT change, by_name, reason FROM family_access_event
        WHERE grant_id = ${p.grantId}::uuid ORDER BY at, change DESC`);
      expect(history.map((e) => [e.change, e.by_name])).toEqual([['suspended', 'Age milestones'], ['reviewed', gp.name]]);
    });
  });

  describe('notices 30 days before', () => {
    const today = londonToday();
    const plus = (days: number) => {
      const d = new Date(`${today}T00:00:00Z`);
      d.setUTCDate(d.getUTCDate() + days);
      return d.toISOString().slice(0, 10);
    };
    it('tells the proxy 30 days before the 16th birthday, on their family page, once; not 31 days before', async () => {
      const back16 = (day: string) => `${Number(day.slice(0, 4)) - 16}${day.slice(4)}`;
      const inThirty = await proxyFor(back16(plus(30)), '2024-01-01');
      const inThirtyOne = await proxyFor(back16(plus(31)), '2024-01-01');
      await run(today);
      const notices = await family.familyNotices(j.db, inThirty.member);
      expect(notices.map((n) => n.body)).toEqual([expect.stringMatching(/ turns 16 on .*Your access will pause that day unless .* tells their GP practice they agree to it\./)]);
      expect(await family.familyNotices(j.db, inThirtyOne.member)).toEqual([]);
      await run(today);
      expect(await family.familyNotices(j.db, inThirty.member)).toHaveLength(1);
    });

    it('a young person with no access of their own is told by their GP practice: a worklist item for its GPs, once; one with their own access gets their own notice instead', async () => {
      const sixteenIn20 = `${Number(plus(20).slice(0, 4)) - 16}${plus(20).slice(4)}`;
      const noAccess = await proxyFor(sixteenIn20, '2024-01-01');
      const ownAccess = await proxyFor(sixteenIn20, '2024-01-01');
      const teen = await one<{ nhs_number: string; date_of_birth: string; given_name: string }>(j, sql`SELECT nhs_number, to_char(date_of_birth, 'YYYY-MM-DD') AS date_of_birth,
        given_name FROM child WHERE id = ${ownAccess.childId}::uuid`);
      await j.db.owner.execute(sql`INSERT INTO family_access_grant (ics_id, id, child_id, kind, nhs_number, date_of_birth, may_see, granted_by, granted_by_name, granted_at)
        VALUES (${gp.icsId}::uuid, ${crypto.randomUUID()}::uuid, ${ownAccess.childId}::uuid, 'own-access', ${teen.nhs_number}, ${teen.date_of_birth}::date,
          ARRAY['appointments','plan','letters','messages'], ${gp.professionalId}::uuid, ${gp.name}, '2025-01-01')`);
      const child = await one<{ given_name: string }>(j, sql`SELECT given_name FROM child WHERE id = ${noAccess.childId}::uuid`);
      const practiceGps = await rows<{ id: string }>(j.db.owner, sql`SELECT p.id FROM child c JOIN professional p ON p.ics_id = c.ics_id AND p.organisation_id = c.registered_practice_id
        WHERE c.ics_id = ${gp.icsId}::uuid AND c.id = ${noAccess.childId}::uuid AND p.role = 'gp' AND p.active ORDER BY p.id`);
      expect(practiceGps.length).toBeGreaterThan(0);
      const tellItems = (childId: string) => rows<{ professional_id: string; title: string; link: string }>(j.db.owner, sql`SELECT professional_id, title, link FROM worklist_item
        WHERE child_id = ${childId}::uuid AND kind = 'family-tell-young-person' ORDER BY professional_id`);

      expect(await run(today)).toMatch(/notices sent, [1-9]\d* young people to be told by their practice$/);
      const items = await tellItems(noAccess.childId);
      expect(items.map((i) => i.professional_id)).toEqual(practiceGps.map((p) => p.id));
      expect(items[0].title).toMatch(new RegExp(`^Tell ${child.given_name} \\(no online access of their own\\) about their parents’ access: “You turn 16 on .*Their access will pause unless you tell your GP practice you agree to it\\.”$`));
      expect(items[0].link).toBe(`/children/${noAccess.childId}/family-access`);
      // The young person with their own access reads their own notice; their practice is not asked.
      expect(await tellItems(ownAccess.childId)).toEqual([]);
      const own = await family.familyNotices(j.db, signingInAs(teen));
      expect(own.map((n) => n.body)).toEqual([expect.stringMatching(/^You turn 16 on /)]);
      const audit = await rows<{ role: string; what: string }>(j.db.owner, sql`SELECT role, what FROM audit_event WHERE child_id = ${noAccess.childId}::uuid AND action = 'family.milestone-tell-young-person'`);
      expect(audit).toEqual([{ role: 'scheduled-job', what: expect.stringMatching(/^GP practice asked to tell the young person: turns 16 on /) }]);

      await run(today);
      expect(await tellItems(noAccess.childId)).toHaveLength(items.length);
    });
  });

  it('removes access not used for 5 years, and keeps access used since', async () => {
    const unused = await proxyFor('2018-04-04', '2020-01-01');
    const used = await proxyFor('2018-04-04', '2020-01-01');
    await family.familyChildPage(j.db, used.member, used.childId);
    await run('2025-06-01');
    expect(await grantOf(unused)).toEqual({ status: 'ended', status_reason: 'Not used for 5 years: removed' });
    expect((await grantOf(used)).status).toBe('active');
  });

  it('changes nothing when run a second time for the same day, and audits each change as the scheduled job', async () => {
    const p = await proxyFor('2010-08-08');
    const first = await run('2026-08-08');
    expect(first).toMatch(/^2026-08-08, 2 ICS: \d+ paused for review, [1-9]\d* paused at 16/);
    const events = async () => (await one<{ n: number }>(j, sql`SELECT count(*)::int AS n FROM family_access_event`)).n;
    const before = await events();
    expect(await run('2026-08-08')).toBe('2026-08-08, 2 ICS: 0 paused for review, 0 paused at 16, 0 ended at 18, 0 removed after 5 years unused, 0 notices sent, 0 young people to be told by their practice');
    expect(await events()).toBe(before);
    const audit = await rows<{ role: string; actor_name: string; organisation_id: string; action: string; why: string }>(j.db.owner, sql`SELECT role, actor_name,
        organisation_id, action, why FROM audit_event WHERE child_id = ${p.childId}::uuid AND action LIKE 'family.milestone%'`);
    expect(audit).toEqual([{ role: 'scheduled-job', actor_name: 'Scheduled job: age milestones', organisation_id: gp.icsId, action: 'family.milestone-pause',
      why: 'Scheduled job: age milestones of family access' }]);
  });

  // The jobs, forms and pages here that the crawl of test/citus-queries.test.ts does not reach.
  checkAppSqlAsCitusWould(kind, () => j.db, () => j.ics.icsId);
});
