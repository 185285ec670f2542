import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../platform/db/client.js';
import { databaseKinds } from '../../test/database.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { TestClient, pageText } from '../../test/http.js';
import { auditMark, auditSince } from '../../test/audit.js';
import { addToWorklists } from './service.js';
import { actorFor } from '../../test/actors.js';
import { londonToday } from '../platform/time/form-dates.js';
import { formatNhsNumber } from '../platform/identity/nhs-number.js';
import { submitReferral } from '../referrals/service.js';

const kinds = await databaseKinds();

describe.each(kinds)('the worklist page (%s)', (kind) => {
  let j: TestJoinery;
  const idOf = async (email: string) => (await rows<{ id: string }>(j.db.owner, sql`SELECT id FROM professional WHERE email = ${email}`))[0].id;

  beforeAll(async () => {
    j = await startJoinery(kind, 200);
    const sw = await idOf('social-worker@demo.joinery.test');
    const hv = await idOf('health-visitor@demo.joinery.test');
    await j.db.tenant(j.ics.icsId, (tx) => addToWorklists(tx, j.ics.icsId, [
      { professionalId: sw, kind: 'note', title: 'Second item WL', link: '/children' },
      { professionalId: sw, kind: 'note', title: 'Elsewhere item WL', link: 'https://evil.example/phish' },
      { professionalId: hv, kind: 'note', title: 'Not yours WL', link: '/children' },
    ]));
    await j.db.owner.execute(sql`UPDATE worklist_item SET created_at = now() - interval '2 days' WHERE title = 'Elsewhere item WL'`);
  });
  afterAll(() => j?.close());

  it('shows the professional’s own open items, oldest first, with safe links only', async () => {
    const sw = await TestClient.signIn(j.app, 'social-worker@demo.joinery.test');
    const res = await sw.get('/worklist');
    expect(res.statusCode).toBe(200);
    const text = pageText(res.body);
    expect(text.indexOf('Elsewhere item WL')).toBeLessThan(text.indexOf('Second item WL'));
    expect(text).not.toContain('Not yours WL');
    expect(res.body).not.toContain('evil.example');
    expect(res.body).toContain('href="/worklist"');
  });

  it('audits each child the worklist names, once, with who saw the list and why; items about no child audit nothing', async () => {
    const sw = await idOf('social-worker@demo.joinery.test');
    const [child] = await rows<{ id: string; given_name: string; family_name: string }>(j.db.owner, sql`SELECT id, given_name, family_name FROM child WHERE ics_id = ${j.ics.icsId}::uuid ORDER BY id LIMIT 1`);
    await j.db.tenant(j.ics.icsId, (tx) => addToWorklists(tx, j.ics.icsId, [1, 2].map((n) => ({
      professionalId: sw, kind: 'clinic-letter', childId: child.id, title: `Clinic letter ${n} for ${child.given_name} ${child.family_name}`, link: '/children',
    }))));
    const mark = await auditMark(j.db);
    const client = await TestClient.signIn(j.app, 'social-worker@demo.joinery.test');
    expect(pageText((await client.get('/worklist')).body)).toContain(`Clinic letter 2 for ${child.given_name} ${child.family_name}`);
    expect(await auditSince(j.db, mark, { action: 'worklist.list' })).toEqual([
      { actor: sw, role: 'social-worker', child: child.id, action: 'worklist.list', what: 'Named in your worklist', why: 'worklist of a social worker', details: null },
    ]);
    await j.db.owner.execute(sql`UPDATE worklist_item SET done_at = now() WHERE child_id = ${child.id}::uuid AND professional_id = ${sw}::uuid`);
  });

  it('marks an item done once; another’s item, or a malformed id, is not found', async () => {
    const [mineItem] = await rows<{ id: string }>(j.db.owner, sql`SELECT id FROM worklist_item WHERE title = 'Second item WL'`);
    const [theirs] = await rows<{ id: string }>(j.db.owner, sql`SELECT id FROM worklist_item WHERE title = 'Not yours WL'`);
    const sw = await TestClient.signIn(j.app, 'social-worker@demo.joinery.test');
    expect((await sw.post(`/worklist/${theirs.id}/done`, {})).statusCode).toBe(404);
    expect((await sw.post('/worklist/not-an-id/done', {})).statusCode).toBe(404);
    expect((await sw.post(`/worklist/${mineItem.id}/done`, {}, { csrf: null })).statusCode).toBe(403);
    expect((await sw.post(`/worklist/${mineItem.id}/done`, {})).statusCode).toBe(303);
    expect((await sw.post(`/worklist/${mineItem.id}/done`, {})).statusCode).toBe(404);
    expect(pageText((await sw.get('/worklist')).body)).not.toContain('Second item WL');
    const [theirsAfter] = await rows<{ done_at: string | null }>(j.db.owner, sql`SELECT done_at FROM worklist_item WHERE id = ${theirs.id}::uuid`);
    expect(theirsAfter.done_at).toBeNull();
  });

  it('roles that do not care for children have no worklist and no link to one', async () => {
    for (const role of ['admin', 'ics-analyst']) {
      const c = await TestClient.signIn(j.app, `${role}@demo.joinery.test`);
      expect((await c.get('/')).body).not.toContain('href="/worklist"');
      expect((await c.get('/worklist')).statusCode).toBe(403);
    }
  });
  it('names the child, says in words when it is due, and links to the referral letter', async () => {
    const gp = await actorFor(j.db, 'gp@demo.joinery.test');
    const [child] = await rows<{ id: string; given_name: string; family_name: string; nhs_number: string }>(j.db.owner, sql`
      SELECT id, given_name, family_name, nhs_number FROM child WHERE registered_practice_id = ${gp.organisationId}::uuid ORDER BY id LIMIT 1`);
    const today = londonToday();
    const referralId = await j.db.tenant(j.ics.icsId, (tx) => submitReferral(tx, gp, {
      childId: child.id, kind: 'referral', urgency: 'routine', reason: 'Wheeze after colds', question: 'Is this asthma?',
    }, today));
    const [referral] = await rows<{ decision_maker_id: string; email: string; letter_id: string }>(j.db.owner, sql`
      SELECT r.decision_maker_id, p.email, l.id AS letter_id FROM referral r JOIN professional p ON p.id = r.decision_maker_id
        JOIN record_letter l ON l.source = 'referral' AND l.source_id = r.id WHERE r.id = ${referralId}::uuid`);
    // Only demo users can sign in: the hub's decision-maker borrows the demo password.
    await j.db.owner.execute(sql`UPDATE professional SET password_hash = (SELECT password_hash FROM professional WHERE email = 'gp@demo.joinery.test') WHERE id = ${referral.decision_maker_id}::uuid`);
    const [item] = await rows<{ title: string; due_on: string }>(j.db.owner, sql`
      SELECT title, details->>'dueOn' AS due_on FROM worklist_item WHERE professional_id = ${referral.decision_maker_id}::uuid AND link = ${`/referrals/${referralId}`}`);
    expect(item.title).toBe('Referral (routine)');
    expect(item.due_on).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    const paediatrician = await TestClient.signIn(j.app, referral.email);
    const days = (n: number) => new Date(Date.parse(`${today}T12:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
    const dueIn = async (n: number) => {
      await j.db.owner.execute(sql`UPDATE worklist_item SET details = jsonb_set(details, '{dueOn}', to_jsonb(${days(n)}::text)) WHERE link = ${`/referrals/${referralId}`}`);
      return pageText((await paediatrician.get('/worklist')).body);
    };
    const page = await dueIn(1);
    expect(page).toContain(`${child.given_name} ${child.family_name}`);
    expect(page).toContain(`NHS number ${formatNhsNumber(child.nhs_number)}`);
    expect(page).toContain('Referral (routine) Due tomorrow');
    expect(page).not.toMatch(/due \d{4}-/);
    expect(await dueIn(-2)).toContain('Referral (routine) 2 days overdue');
    expect(await dueIn(0)).toContain('Referral (routine) Due today');
    const far = await dueIn(9);
    const weekday = new Intl.DateTimeFormat('en-GB', { weekday: 'long', timeZone: 'UTC' }).format(new Date(`${days(9)}T00:00:00Z`));
    expect(far).toContain(`Due on ${weekday} ${Number(days(9).slice(8))} `);

    const res = await paediatrician.get('/worklist');
    const letterHref = `/children/${child.id}/record/letters/${referral.letter_id}`;
    expect(res.body).toContain(`href="${letterHref}"`);
    expect(pageText(res.body)).toContain('Read the letter');
    expect((await paediatrician.get(letterHref)).statusCode).toBe(200);
    const audited = await rows<{ child_id: string; why: string }>(j.db.owner, sql`
      SELECT child_id, why FROM audit_event WHERE professional_id = ${referral.decision_maker_id}::uuid AND action = 'worklist.list'`);
    // Each child the list names, once per view: this child and those of the hub's other referrals waiting for triage.
    const named = await rows<{ child_id: string }>(j.db.owner, sql`
      SELECT DISTINCT child_id FROM worklist_item WHERE professional_id = ${referral.decision_maker_id}::uuid AND done_at IS NULL AND child_id IS NOT NULL`);
    expect(named.map((n) => n.child_id)).toContain(child.id);
    const views = 5; // the four due dates above, and the page with the letter link
    expect(audited).toHaveLength(named.length * views);
    expect(new Set(audited.map((a) => a.child_id))).toEqual(new Set(named.map((n) => n.child_id)));
    expect(audited[0].why).toBe('worklist of a paediatrician');

    // Each item the hub's referrals put there says when it is due, the generated ones too.
    expect(res.body.match(/<strong>(Due |\d+ days? overdue)/g)).toHaveLength((await rows(j.db.owner, sql`
      SELECT 1 FROM worklist_item WHERE professional_id = ${referral.decision_maker_id}::uuid AND done_at IS NULL AND details ? 'dueOn'`)).length);
  });

  it('does not name a child the professional no longer has a relationship with', async () => {
    const sw = await idOf('social-worker@demo.joinery.test');
    const [stranger] = await rows<{ id: string; family_name: string }>(j.db.owner, sql`SELECT c.id, c.family_name FROM child c
      WHERE c.ics_id = ${j.ics.icsId}::uuid AND NOT EXISTS (SELECT 1 FROM care_team_member m WHERE m.child_id = c.id AND m.professional_id = ${sw}::uuid)
        AND NOT EXISTS (SELECT 1 FROM mdt_case mc WHERE mc.child_id = c.id) ORDER BY c.id LIMIT 1`);
    await j.db.tenant(j.ics.icsId, (tx) => addToWorklists(tx, j.ics.icsId, [{ professionalId: sw, kind: 'note', childId: stranger.id, title: 'Left the team WL' }]));
    const mark = await auditMark(j.db);
    const client = await TestClient.signIn(j.app, 'social-worker@demo.joinery.test');
    const page = pageText((await client.get('/worklist')).body);
    expect(page).toMatch(/A child you no longer have a care relationship with (What happened )?Left the team WL/);
    expect(page).not.toContain(stranger.family_name);
    // The page did not say who the child is, so no one was shown to the social worker.
    expect((await auditSince(j.db, mark, { action: 'worklist.list' })).filter((a) => a.child === stranger.id)).toEqual([]);
  });
});
