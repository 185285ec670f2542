import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../platform/db/client.js';
import { databaseKinds } from '../../test/database.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { TestClient, pageText } from '../../test/http.js';
import { actorFor } from '../../test/actors.js';
import { londonToday } from '../platform/time/form-dates.js';
import { submitReferral } from './service.js';

const kinds = await databaseKinds();

/** Advice and referrals as a GP, the hub's lead paediatrician, a covering paediatrician and others meet them on the pages. */
describe.each(kinds)('referral pages (%s)', (kind) => {
  let j: TestJoinery;
  let children: { id: string; given_name: string }[];
  let cover: { id: string; email: string; name: string };
  let clusterId: string;
  let adviceId: string;
  const pros: Record<string, { id: string; name: string }> = {};
  const today = londonToday();
  const signIn = (who: string) => TestClient.signIn(j.app, who.includes('@') ? who : `${who}@demo.joinery.test`);
  const q = <T>(query: ReturnType<typeof sql>) => rows<T>(j.db.owner, query);
  const one = async <T>(query: ReturnType<typeof sql>) => (await q<T>(query))[0];
  const count = async (query: ReturnType<typeof sql>) => (await one<{ n: number }>(query)).n;
  const versionOn = (html: string) => /name="version" value="(\d+)"/.exec(html)![1];
  /** Sends one as the GP, straight through the service, and dates it `daysAgo` back. */
  const send = async (childId: string, over: Record<string, string>, daysAgo = 0) => {
    const gp = await actorFor(j.db, 'gp@demo.joinery.test');
    const id = await j.db.tenant(j.ics.icsId, (tx) => submitReferral(tx, gp, { childId, kind: 'referral', urgency: 'routine', reason: 'A reason', question: 'A question', ...over }, today));
    if (daysAgo) await j.db.owner.execute(sql`UPDATE referral SET created_at = now() - make_interval(days => ${daysAgo}), due_on = ${today}::date - ${daysAgo - 1}::int WHERE id = ${id}::uuid`);
    return id;
  };

  beforeAll(async () => {
    j = await startJoinery(kind);
    for (const role of ['gp', 'paediatrician', 'hub-admin', 'social-worker']) pros[role] = await one(sql`SELECT id, name FROM professional WHERE email = ${`${role}@demo.joinery.test`}`);
    const ics = j.ics.icsId;
    const gpOrg = (await one<{ id: string }>(sql`SELECT organisation_id AS id FROM professional WHERE id = ${pros.gp.id}::uuid`)).id;
    children = await q(sql`SELECT c.id, c.given_name FROM child c WHERE c.ics_id = ${ics}::uuid AND c.registered_practice_id = ${gpOrg}::uuid
      AND EXISTS (SELECT 1 FROM record_entry e WHERE e.ics_id = ${ics}::uuid AND e.ics_id = c.ics_id AND e.child_id = c.id AND e.sensitive_category IS NULL)
      AND NOT EXISTS (SELECT 1 FROM referral r WHERE r.ics_id = ${ics}::uuid AND r.ics_id = c.ics_id AND r.child_id = c.id)
      AND NOT EXISTS (SELECT 1 FROM care_team_member m WHERE m.ics_id = ${ics}::uuid AND m.ics_id = c.ics_id AND m.child_id = c.id AND m.professional_id IN (${pros['social-worker'].id}::uuid, ${pros.paediatrician.id}::uuid))
      ORDER BY c.id LIMIT 8`);
    clusterId = (await one<{ id: string }>(sql`SELECT id FROM cluster WHERE ics_id = ${ics}::uuid AND lead_paediatrician_id = ${pros.paediatrician.id}::uuid`)).id;
    cover = await one(sql`SELECT id, email, name FROM professional WHERE role = 'paediatrician' AND ics_id = ${j.ics.icsId}::uuid AND id <> ${pros.paediatrician.id}::uuid ORDER BY id LIMIT 1`);
    // Only demo users can sign in: the covering paediatrician borrows the demo password.
    await j.db.owner.execute(sql`UPDATE professional SET password_hash = (SELECT password_hash FROM professional WHERE id = ${pros.paediatrician.id}::uuid) WHERE id = ${cover.id}::uuid`);
  }, 120_000);
  afterAll(() => j?.close());

  it('lets a GP ask for advice from the child’s page, with field errors first and a record entry attached', async () => {
    const gp = await signIn('gp');
    const child = children[0];
    expect((await gp.get(`/children/${child.id}`)).body).toContain(`href="/children/${child.id}/referrals/new"`);
    const form = await gp.get(`/children/${child.id}/referrals/new`);
    expect(form.statusCode).toBe(200);
    const entryId = /name="attachments" type="checkbox" value="([0-9a-f-]{36})"/.exec(form.body)![1];

    const empty = await gp.post(`/children/${child.id}/referrals/new`, { reason: ' ', question: '' });
    expect(empty.statusCode).toBe(400);
    const text = pageText(empty.body);
    for (const message of ['Say whether you are asking for advice or referring', 'Select how urgent it is', 'Enter the reason for the referral', 'Enter the question you want answered']) expect(text).toContain(message);
    expect(empty.body).toContain('href="#kind"');
    const forged = await gp.post(`/children/${child.id}/referrals/new`, { kind: 'advice', urgency: 'soon', reason: 'Rash', question: 'Which cream?', attachments: crypto.randomUUID() });
    expect(forged.statusCode).toBe(400);
    expect(pageText(forged.body)).toContain('Choose entries from this child’s record in the list');
    expect(await count(sql`SELECT count(*)::int AS n FROM referral WHERE child_id = ${child.id}::uuid`)).toBe(0);

    const sent = await gp.post(`/children/${child.id}/referrals/new`, {
      kind: 'advice', urgency: 'soon', reason: 'Eczema flaring for 3 months', question: 'Is it time for a stronger steroid?', tried: 'Emollients and 1% hydrocortisone', attachments: entryId,
    });
    expect(sent.statusCode).toBe(303);
    adviceId = /^\/referrals\/([0-9a-f-]{36})\?sent=1$/.exec(String(sent.headers.location))![1];
    const page = pageText((await gp.get(String(sent.headers.location))).body);
    expect(page).toContain('Sent to the hub');
    expect(page).toContain('Where it is Waiting for the paediatrician');
    expect(page).toContain('Question Is it time for a stronger steroid?');
    const entry = await one<{ display: string }>(sql`SELECT display FROM record_entry WHERE id = ${entryId}::uuid`);
    expect(page).toContain(entry.display);
    expect(await count(sql`SELECT count(*)::int AS n FROM audit_event WHERE action = 'referral.view' AND professional_id = ${pros.gp.id}::uuid AND child_id = ${child.id}::uuid`)).toBe(1);
    expect(await one(sql`SELECT why, details->>'referralId' AS referral FROM audit_event WHERE action = 'referral.view' AND professional_id = ${pros.gp.id}::uuid AND child_id = ${child.id}::uuid`))
      .toEqual({ why: 'sent the referral', referral: adviceId });
    // An advice request files no referral letter.
    expect(await count(sql`SELECT count(*)::int AS n FROM record_letter WHERE child_id = ${child.id}::uuid`)).toBe(0);
  });

  it('refuses the referral page to anyone without a relation to it, and audits the refusal', async () => {
    const id = adviceId;
    for (const role of ['social-worker', 'hub-admin']) {
      const someone = await signIn(role);
      expect((await someone.get(`/referrals/${id}`)).statusCode).toBe(403);
      expect((await someone.post(`/referrals/${id}/messages`, { body: 'Hello' })).statusCode).toBe(403);
    }
    expect(await count(sql`SELECT count(*)::int AS n FROM audit_event WHERE action = 'child.access-refused' AND child_id = ${children[0].id}::uuid AND professional_id = ${pros['social-worker'].id}::uuid`)).toBe(2);
    expect(await count(sql`SELECT count(*)::int AS n FROM referral_message WHERE referral_id = ${id}::uuid AND author_role <> 'record-extract'`)).toBe(0);
    expect((await (await signIn('gp')).get(`/children/${children[0].id}/referrals/new`)).statusCode).toBe(200);
    expect((await (await signIn('paediatrician')).get(`/children/${children[0].id}/referrals/new`)).statusCode).toBe(403);
  });

  it('keeps a thread between the GP and the paediatrician, each reply on the other’s worklist', async () => {
    const id = adviceId;
    const lead = await signIn('paediatrician');
    await lead.get(`/referrals/${id}`);
    const blank = await lead.post(`/referrals/${id}/messages`, { body: '  ' });
    expect(blank.statusCode).toBe(400);
    expect(pageText(blank.body)).toContain('Enter your message');
    expect((await lead.post(`/referrals/${id}/messages`, { body: 'Can you send a photo of the worst patch?' })).statusCode).toBe(303);
    const item = await one<{ title: string; link: string }>(sql`SELECT title, link FROM worklist_item WHERE professional_id = ${pros.gp.id}::uuid AND kind = 'referral-message'`);
    expect(item).toEqual({ title: `New message from ${pros.paediatrician.name} about a referral`, link: `/referrals/${id}#messages` });
    const gp = await signIn('gp');
    await gp.get(`/referrals/${id}`);
    expect((await gp.post(`/referrals/${id}/messages`, { body: 'Uploaded to the record this morning.' })).statusCode).toBe(303);
    const page = pageText((await gp.get(`/referrals/${id}`)).body);
    expect(page.indexOf('Can you send a photo')).toBeLessThan(page.indexOf('Uploaded to the record'));
    expect(await count(sql`SELECT count(*)::int AS n FROM worklist_item WHERE professional_id = ${pros.paediatrician.id}::uuid AND kind = 'referral-message'`)).toBe(1);
  });

  it('gives advice with a letter and self-care for the family; the GP turns it into a referral without retyping', async () => {
    const child = children[0];
    const id = adviceId;
    const lead = await signIn('paediatrician');
    const open = await lead.get(`/referrals/${id}`);
    const version = versionOn(open.body);
    const noNotes = await lead.post(`/referrals/${id}/decision`, { to: 'advice-given', note: '', version });
    expect(noNotes.statusCode).toBe(400);
    expect(pageText(noNotes.body)).toContain('Enter your notes: the GP reads them');
    // A page the library cannot send refuses the whole decision: no advice, no letter, nothing sent.
    const refused = await lead.post(`/referrals/${id}/decision`, { to: 'advice-given', note: 'Try 0.05% clobetasone.', version, pages: 'croup:1:0-12' });
    expect(refused.statusCode).toBe(400);
    expect(pageText(refused.body)).toContain('There is no approved advice page croup');
    expect(await count(sql`SELECT count(*)::int AS n FROM record_letter WHERE source = 'advice' AND source_id = ${id}::uuid`)).toBe(0);
    const advised = await lead.post(`/referrals/${id}/decision`, {
      to: 'advice-given', note: 'Try 0.05% clobetasone for 2 weeks, then step down.', version,
      pages: 'eczema:1:0-216', selfCare: 'Cotton clothes; short nails.',
    });
    // The advice went with the decision: the triager is shown the family's one-time link now, once.
    expect(advised.statusCode).toBe(200);
    expect(pageText(advised.body)).toContain('Decision saved. Advice sent to the family: Eczema (version 1, 0 to 216 months)');
    const link = /id="family-link"[^>]*value="[^"]*(\/advice\/[A-Za-z0-9_-]+)"/.exec(advised.body)?.[1];
    expect(link).toBeDefined();
    const family = await j.app.inject({ method: 'GET', url: link! });
    expect(family.statusCode).toBe(200);
    expect(pageText(family.body)).toContain(`Advice for ${child.given_name}`);
    expect(pageText(family.body)).toContain('Cotton clothes; short nails.');
    expect((await lead.get(`/referrals/${id}`)).body).not.toContain('family-link');
    const letter = await one<{ title: string; body: { lines: { text: string }[] }; filed_by: string }>(sql`SELECT title, body, filed_by FROM record_letter WHERE child_id = ${child.id}::uuid AND source = 'advice' AND source_id = ${id}::uuid`);
    expect(letter.title).toMatch(/^Advice from /);
    const lines = letter.body.lines.map((l) => l.text).join('\n');
    expect(lines).toContain('Try 0.05% clobetasone');
    expect(lines).toContain('Cotton clothes; short nails.');
    expect(lines).toContain('You asked: Is it time for a stronger steroid?');
    expect(await count(sql`SELECT count(*)::int AS n FROM worklist_item WHERE professional_id = ${pros.gp.id}::uuid AND kind = 'triage-decision' AND link = ${`/referrals/${id}`}`)).toBe(1);

    const gp = await signIn('gp');
    const page = await gp.get(`/referrals/${id}`);
    expect(pageText(page.body)).toContain('For the family: Advice page sent to the family: Eczema (version 1, 0 to 216 months)');
    // The page itself went to the family, from triage, with the free text as its note.
    expect(await one<{ source: string; referral_id: string; note: string }>(sql`SELECT source, referral_id, note FROM advice_sending WHERE child_id = ${child.id}::uuid`))
      .toEqual({ source: 'triage', referral_id: id, note: 'Cotton clothes; short nails.' });
    expect(pageText(page.body)).toContain('Convert to a referral');
    expect((await gp.post(`/referrals/${id}/decision`, { to: 'awaiting-triage', note: 'Not settling on clobetasone', version: versionOn(page.body) })).statusCode).toBe(303);
    const r = await one<{ kind: string; state: string; reason: string; question: string; tried: string }>(sql`SELECT kind, state, reason, question, tried FROM referral WHERE id = ${id}::uuid`);
    expect(r).toEqual({ kind: 'referral', state: 'awaiting-triage', reason: 'Eczema flaring for 3 months', question: 'Is it time for a stronger steroid?', tried: 'Emollients and 1% hydrocortisone' });
    expect(await count(sql`SELECT count(*)::int AS n FROM record_letter WHERE source = 'referral' AND source_id = ${id}::uuid`)).toBe(1);
    const told = await one<{ title: string }>(sql`SELECT title FROM worklist_item WHERE professional_id = ${pros.paediatrician.id}::uuid AND link = ${`/referrals/${id}`} ORDER BY created_at DESC LIMIT 1`);
    expect(told.title).toContain('converted from advice');
    const timeline = pageText((await gp.get(`/referrals/${id}`)).body);
    expect(timeline).toContain('moved it from “Advice given” to “Waiting for the paediatrician”. Not settling on clobetasone');
    expect(timeline).toMatch(/Asked as An advice request, made a referral on \d{1,2} \w+ 20\d\d/);
  });

  it('orders the triage list urgent first, then the longest waiting, tags late items, and audits each child shown in one batch', async () => {
    // A quiet hub: the generator's open referrals are closed, so the page shows only these.
    await j.db.owner.execute(sql`UPDATE referral SET state = 'closed' WHERE state IN ('awaiting-triage', 'advice-given') AND id <> ${adviceId}::uuid`);
    const oldRoutine = await send(children[1].id, { reason: 'Old routine: constipation' }, 5);
    await send(children[2].id, { reason: 'New routine: bedwetting' }, 1);
    await send(children[3].id, { urgency: 'urgent', reason: 'New urgent: weight loss' });
    // A referral letter is filed with each referral.
    expect(await count(sql`SELECT count(*)::int AS n FROM record_letter WHERE source = 'referral' AND source_id = ${oldRoutine}::uuid`)).toBe(1);
    const before = await count(sql`SELECT count(*)::int AS n FROM audit_event WHERE action = 'referral.list' AND professional_id = ${pros.paediatrician.id}::uuid`);
    const lead = await signIn('paediatrician');
    const res = await lead.get('/referrals/triage');
    expect(res.statusCode).toBe(200);
    const text = pageText(res.body);
    const at = (s: string) => text.indexOf(s);
    expect(at('New urgent: weight loss')).toBeGreaterThan(-1);
    expect(at('New urgent: weight loss')).toBeLessThan(at('Old routine: constipation'));
    expect(at('Old routine: constipation')).toBeLessThan(at('New routine: bedwetting'));
    expect(text).toMatch(/Old routine: constipation .*Late by \d+ working days?/);
    const shown = (res.body.match(/href="\/referrals\/[0-9a-f-]{36}"/g) ?? []).length;
    expect(await count(sql`SELECT count(*)::int AS n FROM audit_event WHERE action = 'referral.list' AND professional_id = ${pros.paediatrician.id}::uuid`)).toBe(before + shown);

    const gp = await signIn('gp');
    const mine = pageText((await gp.get('/referrals')).body);
    expect(mine).toContain('Waiting for the paediatrician');
    expect(mine).toMatch(/Late by \d+ working days?/);
    expect((await gp.get('/referrals/triage')).statusCode).toBe(403);
  });

  it('shows the hub lead what is late and who holds it', async () => {
    const lead = await signIn('paediatrician');
    const late = pageText((await lead.get('/referrals/late')).body);
    expect(late).toContain(`${children[1].given_name}`);
    expect(late).toContain(pros.paediatrician.name);
    expect(late).toMatch(/Late by \d+ working day/);
    expect(pageText((await (await signIn('gp')).get('/referrals/late')).body)).toContain('You do not lead a hub');
  });

  it('a sensitive entry sent with a referral keeps its mark: readers see it by the record’s rules, never as plain text', async () => {
    const child = children[7];
    const gpOrg = (await one<{ id: string }>(sql`SELECT organisation_id AS id FROM professional WHERE id = ${pros.gp.id}::uuid`)).id;
    const entryId = (await one<{ id: string }>(sql`INSERT INTO record_entry (ics_id, id, child_id, kind, display, status, details, sensitive_category, recorded_by_name, recording_organisation_id, version)
      VALUES (${j.ics.icsId}::uuid, gen_random_uuid(), ${child.id}::uuid, 'problem', 'Chlamydia infection QS', 'resolved', '{}'::jsonb, 'sexual-health', 'Seed', ${gpOrg}::uuid, 1) RETURNING id`)).id;
    // The GP's own team recorded it, so the GP may attach it.
    expect((await (await signIn('gp')).get(`/children/${child.id}/referrals/new`)).body).toContain(`value="${entryId}"`);
    const id = await send(child.id, { reason: 'Abdominal pain QS', attachments: entryId });
    expect(await one(sql`SELECT entry_id, sensitive_category, recording_organisation_id FROM referral_message WHERE referral_id = ${id}::uuid AND author_role = 'record-extract'`))
      .toEqual({ entry_id: entryId, sensitive_category: 'sexual-health', recording_organisation_id: gpOrg });

    // The referrer's team recorded it: they see it, marked.
    const gpPage = pageText((await (await signIn('gp')).get(`/referrals/${id}`)).body);
    expect(gpPage).toContain('Chlamydia infection QS');
    expect(gpPage).toContain('Sensitive: Sexual health');

    // The hub's paediatrician may reveal sensitive entries: they see the category and how to give a reason, not the entry.
    const lead = await signIn('paediatrician');
    const hidden = await lead.get(`/referrals/${id}`);
    expect(hidden.body).not.toContain('Chlamydia infection QS');
    expect(pageText(hidden.body)).toContain('A sensitive entry (Sexual health), shown only to the team that recorded it.');
    expect(hidden.body).toContain(`href="/children/${child.id}/record/reveal"`);
    const audited = await one<{ details: Record<string, unknown> }>(sql`SELECT details FROM audit_event WHERE action = 'referral.view'
      AND professional_id = ${pros.paediatrician.id}::uuid AND details->>'referralId' = ${id} ORDER BY at DESC LIMIT 1`);
    expect(audited.details).toEqual({ referralId: id, extractsShown: 0, sensitiveExtractsHidden: 1 });

    // A paediatrician covering triage today, with no relationship with the child, may not reveal: the entry is not there at all.
    await j.db.owner.execute(sql`INSERT INTO triage_cover (ics_id, id, cluster_id, cover_id, starts_on, ends_on, created_by)
      VALUES (${j.ics.icsId}::uuid, gen_random_uuid(), ${clusterId}::uuid, ${cover.id}::uuid, ${today}::date, ${today}::date, ${pros.paediatrician.id}::uuid)`);
    try {
      const covering = await (await signIn(cover.email)).get(`/referrals/${id}`);
      expect(covering.statusCode).toBe(200);
      expect(covering.body).not.toContain('Chlamydia infection QS');
      expect(pageText(covering.body)).not.toContain('Sexual health');
      expect(pageText(covering.body)).toContain('No record entries were sent with this.');
    } finally {
      await j.db.owner.execute(sql`DELETE FROM triage_cover WHERE cover_id = ${cover.id}::uuid AND starts_on = ${today}::date`);
    }

    // Once the paediatrician gives a reason (reviewed by the privacy officer), the entry shows, still marked.
    await lead.get(`/children/${child.id}/record/reveal`);
    expect((await lead.post(`/children/${child.id}/record/reveal`, { reason: 'Abdominal pain: need the sexual health history' })).statusCode).toBe(303);
    const shown = pageText((await lead.get(`/referrals/${id}`)).body);
    expect(shown).toContain('Chlamydia infection QS');
    expect(shown).toContain('Sensitive: Sexual health');
  });

  it('lets exactly one of two paediatricians decide: the second sees a conflict page and nothing of theirs is saved', async () => {
    const id = await send(children[4].id, { reason: 'Recurrent abdominal pain' });
    await j.db.owner.execute(sql`INSERT INTO triage_cover (ics_id, id, cluster_id, cover_id, starts_on, ends_on, created_by)
      VALUES (${j.ics.icsId}::uuid, gen_random_uuid(), ${clusterId}::uuid, ${cover.id}::uuid, ${today}::date, ${today}::date, ${pros.paediatrician.id}::uuid)`);
    const lead = await signIn('paediatrician');
    const covering = await signIn(cover.email);
    const leadPage = await lead.get(`/referrals/${id}`);
    const coverPage = await covering.get(`/referrals/${id}`);
    expect(coverPage.statusCode).toBe(200);
    expect((await covering.post(`/referrals/${id}/decision`, { to: 'awaiting-booking', note: 'See in the hub clinic', version: versionOn(coverPage.body) })).statusCode).toBe(303);
    const late = await lead.post(`/referrals/${id}/decision`, { to: 'advice-given', note: 'Advice instead', version: versionOn(leadPage.body) });
    expect(late.statusCode).toBe(409);
    expect(pageText(late.body)).toContain('Someone else acted on this referral after you opened it, so nothing of yours was saved.');
    // Their decision as it now stands, and the lead's typed note kept.
    expect(pageText(late.body)).toContain('What you typed is kept below, not saved yet.');
    expect(pageText(late.body)).toContain('Where it is Waiting for a clinic appointment');
    // Booking is not the lead's to decide, so there is no form now: the notes are shown to copy.
    expect(pageText(late.body)).toContain('Your notes, not saved Information: Advice instead');

    const r = await one<{ state: string; decision_maker_id: string }>(sql`SELECT state, decision_maker_id FROM referral WHERE id = ${id}::uuid`);
    expect(r).toEqual({ state: 'awaiting-booking', decision_maker_id: cover.id });
    expect(await count(sql`SELECT count(*)::int AS n FROM record_letter WHERE source = 'advice' AND source_id = ${id}::uuid`)).toBe(0);
    // Waiting for a booking, the hub's clinic administrator may now see it.
    expect((await (await signIn('hub-admin')).get(`/referrals/${id}`)).statusCode).toBe(200);
  });

  it('shows a clinic administrator a referral being booked without its record extracts or thread, and leaves clinic moves to the clinic pages', async () => {
    const child = children[6];
    const gp = await signIn('gp');
    const entryId = /name="attachments" type="checkbox" value="([0-9a-f-]{36})"/.exec((await gp.get(`/children/${child.id}/referrals/new`)).body)![1];
    const entry = await one<{ display: string }>(sql`SELECT display FROM record_entry WHERE id = ${entryId}::uuid`);
    const id = await send(child.id, { reason: 'Headaches on waking', attachments: entryId });
    const lead = await signIn('paediatrician');
    await lead.get(`/referrals/${id}`);
    expect((await lead.post(`/referrals/${id}/messages`, { body: 'Any vomiting with the headaches?' })).statusCode).toBe(303);
    const leadPage = await lead.get(`/referrals/${id}`);
    expect(pageText(leadPage.body)).toContain(entry.display);
    expect(pageText(leadPage.body)).toContain('Any vomiting with the headaches?');
    expect((await lead.post(`/referrals/${id}/decision`, { to: 'awaiting-booking', note: 'See in the hub clinic', version: versionOn(leadPage.body) })).statusCode).toBe(303);

    const admin = await signIn('hub-admin');
    const seen = await admin.get(`/referrals/${id}`);
    expect(seen.statusCode).toBe(200);
    const text = pageText(seen.body);
    expect(text).toContain('Reason Headaches on waking');
    expect(text).toContain('See in the hub clinic');
    expect(text).not.toContain(entry.display);
    expect(text).not.toContain('Any vomiting with the headaches?');
    expect(seen.body).not.toContain('id="attachments"');
    expect(seen.body).not.toContain('id="messages"');
    // Booking is not offered on the decision form, and a forged post is refused with nothing changed.
    expect(seen.body).not.toContain(`action="/referrals/${id}/decision"`);
    const state = () => one<{ state: string; version: number; first_seen_at: string | null }>(sql`SELECT state, version, first_seen_at FROM referral WHERE id = ${id}::uuid`);
    const events = () => count(sql`SELECT count(*)::int AS n FROM referral_event WHERE referral_id = ${id}::uuid`);
    const bookings = () => count(sql`SELECT count(*)::int AS n FROM clinic_booking WHERE referral_id = ${id}::uuid`);
    const before = { state: await state(), events: await events() };
    const booked = await admin.post(`/referrals/${id}/decision`, { to: 'booked', version: String(before.state.version) });
    expect(booked.statusCode).toBe(400);
    expect(pageText(booked.body)).toContain('This is done from the clinic pages');
    expect(await state()).toEqual(before.state);
    expect(await events()).toBe(before.events);
    expect(await bookings()).toBe(0);

    // Booked (as the clinic pages would): neither did-not-attend nor seen can be posted from the referral's page.
    await j.db.owner.execute(sql`UPDATE referral SET state = 'booked', version = version + 1 WHERE id = ${id}::uuid`);
    const atBooked = { state: await state(), events: await events() };
    const dna = await admin.post(`/referrals/${id}/decision`, { to: 'did-not-attend', version: String(atBooked.state.version) });
    expect(dna.statusCode).toBe(400);
    expect(pageText(dna.body)).toContain('This is done from the clinic pages');
    const leadOnBooked = await lead.get(`/referrals/${id}`);
    expect(leadOnBooked.body).not.toContain('value="seen"');
    const seenByLead = await lead.post(`/referrals/${id}/decision`, { to: 'seen', note: 'Examined: normal fundi', version: String(atBooked.state.version) });
    expect(seenByLead.statusCode).toBe(400);
    expect(pageText(seenByLead.body)).toContain('This is done from the clinic pages');
    expect(await state()).toEqual({ ...atBooked.state, first_seen_at: null });
    expect(await events()).toBe(atBooked.events);
    expect(await bookings()).toBe(0);
  });

  it('brings the case to the hub’s next MDT, or says to schedule one when there is none', async () => {
    const id = await send(children[5].id, { reason: 'Poor weight gain and missed appointments', question: 'What support at home would help?' });
    const lead = await signIn('paediatrician');
    const [meeting] = await q<{ id: string }>(sql`SELECT id FROM mdt_meeting WHERE cluster_id = ${clusterId}::uuid ORDER BY starts_at LIMIT 1`);
    await j.db.owner.execute(sql`UPDATE mdt_meeting SET status = 'cancelled' WHERE cluster_id = ${clusterId}::uuid AND status = 'scheduled'`);
    const none = await lead.post(`/referrals/${id}/decision`, { to: 'mdt', note: 'Needs the wider team', version: versionOn((await lead.get(`/referrals/${id}`)).body) });
    expect(none.statusCode).toBe(400);
    expect(pageText(none.body)).toContain('has no MDT meeting scheduled with room on its case list');
    expect((await one<{ state: string }>(sql`SELECT state FROM referral WHERE id = ${id}::uuid`)).state).toBe('awaiting-triage');

    const meetingId = meeting.id;
    await j.db.owner.execute(sql`UPDATE mdt_meeting SET status = 'scheduled', starts_at = now() + interval '7 days', max_cases = 20 WHERE id = ${meetingId}::uuid`);
    const decided = await lead.post(`/referrals/${id}/decision`, { to: 'mdt', note: 'Needs the wider team', version: versionOn((await lead.get(`/referrals/${id}`)).body) });
    expect(decided.statusCode).toBe(303);
    const mdtCase = await one<{ meeting_id: string; source: string; question: string }>(sql`SELECT meeting_id, source, question FROM mdt_case WHERE child_id = ${children[5].id}::uuid AND source = 'triage'`);
    expect(mdtCase).toEqual({ meeting_id: meetingId, source: 'triage', question: 'What support at home would help?' });
    const gp = await signIn('gp');
    const waiting = pageText((await gp.get(`/referrals/${id}`)).body);
    expect(waiting).toContain('To be discussed at the hub MDT');
    expect(waiting).toContain('not discussed yet');

    // The meeting is held and the case discussed: the referral's page follows it to the outcome and its letter.
    await j.db.owner.execute(sql`UPDATE mdt_meeting SET starts_at = now() - interval '1 hour' WHERE id = ${meetingId}::uuid`);
    await lead.post(`/mdt/${meetingId}/members`, { professionalId: pros.paediatrician.id });
    expect((await lead.post(`/mdt/${meetingId}/attendance`, { attended: [pros.paediatrician.id] })).statusCode).toBe(303);
    const caseId = (await one<{ id: string }>(sql`SELECT id FROM mdt_case WHERE child_id = ${children[5].id}::uuid AND source = 'triage'`)).id;
    const outcomeForm = await lead.get(`/mdt/cases/${caseId}/outcome`);
    expect((await lead.post(`/mdt/cases/${caseId}/outcome`, {
      version: versionOn(outcomeForm.body), discussion: 'Weight gain and the family’s worries about food.', decisions: 'Dietitian review; health visitor support at home.',
    })).statusCode).toBe(303);
    const after = await gp.get(`/referrals/${id}`);
    const text = pageText(after.body);
    expect(text).toContain('Discussed at the hub MDT: outcome letter sent');
    expect(text).toContain('What the MDT decided Dietitian review; health visitor support at home.');
    expect(after.body).toContain(`href="/mdt/cases/${caseId}/letter"`);
    expect((await gp.get(`/mdt/cases/${caseId}/letter`)).statusCode).toBe(200);
  });

  it('lets a hub lead add triage cover, with field errors for bad dates, a non-paediatrician and overlaps', async () => {
    const lead = await signIn('paediatrician');
    const page = await lead.get('/referrals/cover');
    expect(page.statusCode).toBe(200);
    const shift = (days: number) => new Date(Date.parse(`${today}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
    const boxes = (name: string, iso: string) => {
      const [y, m, d] = iso.split('-');
      return { [`${name}-day`]: String(Number(d)), [`${name}-month`]: String(Number(m)), [`${name}-year`]: y };
    };
    const bad = await lead.post('/referrals/cover', { clusterId, coverId: '', 'startsOn-day': '31', 'startsOn-month': '2', 'startsOn-year': '2027', ...boxes('endsOn', shift(40)) });
    expect(bad.statusCode).toBe(400);
    expect(pageText(bad.body)).toContain('Select who will cover');
    expect(pageText(bad.body)).toContain('The first day of cover must be a real date');
    expect(bad.body).toContain('href="#startsOn-day"');
    const backwards = await lead.post('/referrals/cover', { clusterId, coverId: cover.id, ...boxes('startsOn', shift(40)), ...boxes('endsOn', shift(30)) });
    expect(pageText(backwards.body)).toContain('The last day of cover must be the same as or after the first day');
    const notPaediatrician = await lead.post('/referrals/cover', { clusterId, coverId: pros.gp.id, ...boxes('startsOn', shift(30)), ...boxes('endsOn', shift(35)) });
    expect(pageText(notPaediatrician.body)).toContain('Select a paediatrician from the list');
    const added = await lead.post('/referrals/cover', { clusterId, coverId: cover.id, ...boxes('startsOn', shift(30)), ...boxes('endsOn', shift(35)) });
    expect(added.statusCode).toBe(303);
    expect(pageText((await lead.get('/referrals/cover?added=1')).body)).toContain(`Cover added to the rota`);
    const overlap = await lead.post('/referrals/cover', { clusterId, coverId: cover.id, ...boxes('startsOn', shift(35)), ...boxes('endsOn', shift(37)) });
    expect(overlap.statusCode).toBe(400);
    expect(pageText(overlap.body)).toContain(`${cover.name} already covers`);
    expect(await count(sql`SELECT count(*)::int AS n FROM triage_cover WHERE cluster_id = ${clusterId}::uuid AND starts_on = ${shift(30)}::date`)).toBe(1);
    expect(pageText((await (await signIn('gp')).get('/referrals/cover')).body)).toContain('You do not lead a hub');
  });

  // How fast it is belongs to the bench (npm run bench); here, that a long list pages correctly.
  it('pages a triage list of 2,000 open referrals', async () => {
    const template = await one<Record<string, string>>(sql`SELECT child_id, referrer_id, referring_practice_id FROM referral WHERE ics_id = ${j.ics.icsId}::uuid
      AND id = (SELECT id FROM referral WHERE ics_id = ${j.ics.icsId}::uuid AND kind = 'referral' LIMIT 1)`);
    await j.db.owner.execute(sql`INSERT INTO referral (ics_id, id, child_id, kind, referrer_id, referring_practice_id, cluster_id, decision_maker_id, urgency, reason, question, state, due_on, version, created_at)
      SELECT ${j.ics.icsId}::uuid, gen_random_uuid(), ${template.child_id}::uuid, 'referral', ${template.referrer_id}::uuid, ${template.referring_practice_id}::uuid, ${clusterId}::uuid,
             ${pros.paediatrician.id}::uuid, (ARRAY['routine', 'soon', 'urgent'])[1 + i % 3], 'Bulk ' || i, 'Q', 'awaiting-triage', ${today}::date - (i % 20), 1, now() - make_interval(mins => i)
        FROM generate_series(1, 2000) AS i`);
    const lead = await signIn('paediatrician');
    await lead.get('/referrals/triage');
    const res = await lead.get('/referrals/triage?page=40');
    expect(res.statusCode).toBe(200);
    expect(pageText(res.body)).toMatch(/Showing 25 of 20\d\d \(page 40 of 8\d\)/);
    expect(res.body).toContain('href="/referrals/triage?page=39"');
    expect(res.body).toContain('href="/referrals/triage?page=41"');
  });

  it('searches the triage list by words of the reason, the child’s name or NHS number, keeping the search in the paging; audits only the children shown', async () => {
    const lead = await signIn('paediatrician');
    const auditedNow = () => count(sql`SELECT count(*)::int AS n FROM audit_event WHERE action = 'referral.list' AND professional_id = ${pros.paediatrician.id}::uuid`);
    const one1999 = await lead.get('/referrals/triage?q=bulk+1999');
    expect(one1999.statusCode).toBe(200);
    const text = pageText(one1999.body);
    expect(text).toContain('Waiting for you (1 matching ‘bulk 1999’)');
    expect(text).toContain('Bulk 1999');
    expect(one1999.body).toContain('value="bulk 1999"');

    // Every word is in the reason: "Bulk" and a number with a 1 in it; each page's links keep the search.
    const withAOne = Array.from({ length: 2000 }, (_, i) => String(i + 1)).filter((n) => n.includes('1')).length;
    const before = await auditedNow();
    const many = await lead.get('/referrals/triage?q=Bulk+1&page=2');
    expect(pageText(many.body)).toContain(`Showing 25 of ${withAOne} (page 2 of ${Math.ceil(withAOne / 25)})`);
    expect(many.body).toContain('href="/referrals/triage?q=Bulk+1&amp;page=3"');
    const shown = (many.body.match(/href="\/referrals\/[0-9a-f-]{36}"/g) ?? []).length;
    expect(await auditedNow()).toBe(before + shown);

    const [child] = await q<{ nhs_number: string }>(sql`SELECT nhs_number FROM child WHERE ics_id = ${j.ics.icsId}::uuid
      AND id = (SELECT child_id FROM referral WHERE ics_id = ${j.ics.icsId}::uuid AND reason = 'Bulk 7')`);
    const byNumber = pageText((await lead.get(`/referrals/triage?q=${encodeURIComponent(child.nhs_number.replace(/^(\d{3})(\d{3})/, '$1 $2 '))}`)).body);
    // Every bulk referral is about the same child: the NHS number, typed with spaces, finds them all.
    expect(byNumber).toMatch(/Waiting for you \(20\d\d matching ‘\d{3} \d{3} \d{4}’\)/);

    const none = await lead.get('/referrals/triage?q=100%25+Zzyzxq');
    expect(none.statusCode).toBe(200);
    expect(pageText(none.body)).toContain('No referrals waiting for you match ‘100% Zzyzxq’');
    const tooLong = await lead.get(`/referrals/triage?q=${'x'.repeat(101)}`);
    expect(tooLong.statusCode).toBe(400);
    expect(pageText(tooLong.body)).toContain('Your search must be 100 characters or fewer');
    expect(tooLong.body).not.toMatch(/href="\/referrals\/[0-9a-f-]{36}"/);
  });

  it('offers the decision only to the paediatrician, the GP only changes to their own request; "decided by" appears once decided', async () => {
    const id = await send(children[2].id, { reason: 'Toe walking since starting to walk' });
    const gp = await signIn('gp');
    const lead = await signIn('paediatrician');
    const asGp = pageText((await gp.get(`/referrals/${id}`)).body);
    expect(asGp).toContain('Change your request What would you like to do? Withdrawn by the referrer');
    expect(asGp).toContain('Your reason or notes The hub reads these');
    for (const meant of ['Your decision', 'Advice back to the GP', 'management plan the GP receives', 'Save decision', 'Decided by']) expect(asGp).not.toContain(meant);

    const open = await lead.get(`/referrals/${id}`);
    const asLead = pageText(open.body);
    expect(asLead).toContain('What happens next Your decision Advice back to the GP');
    expect(asLead).not.toContain('Decided by');
    expect(asLead).not.toContain('Change your request');

    expect((await lead.post(`/referrals/${id}/decision`, { to: 'awaiting-booking', note: 'See in the hub clinic', version: versionOn(open.body) })).statusCode).toBe(303);
    const decidedGp = pageText((await gp.get(`/referrals/${id}`)).body);
    expect(decidedGp).toContain(`Decided by ${pros.paediatrician.name}`);
    expect(decidedGp).not.toContain('Your decision');
    expect(pageText((await lead.get(`/referrals/${id}`)).body)).toContain(`Decided by ${pros.paediatrician.name}`);
  });

  it('keeps the line breaks typed into a referral and its messages, showing anything like HTML as the text typed', async () => {
    const reason = 'Wheeze at night.\nWorse after colds.\n\nMum asks about <b>inhalers</b> & "spacers"';
    const id = await send(children[1].id, { reason, question: 'Does she need a preventer?\r\nOr a review first?' });
    const gp = await signIn('gp');
    await gp.get(`/referrals/${id}`);
    expect((await gp.post(`/referrals/${id}/messages`, { body: 'Peak flow diary attached.\n<script>alert(1)</script>' })).statusCode).toBe(303);
    const page = (await gp.get(`/referrals/${id}`)).body;
    expect(page).toContain('Wheeze at night.<br>Worse after colds.<br><br>Mum asks about &lt;b&gt;inhalers&lt;/b&gt; &amp; &quot;spacers&quot;');
    expect(page).toContain('Does she need a preventer?<br>Or a review first?');
    expect(page).toContain('Peak flow diary attached.<br>&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).not.toContain('<b>inhalers');
    expect(page).not.toContain('<script>alert(1)');
  });
});
