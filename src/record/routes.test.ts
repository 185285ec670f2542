import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../platform/db/client.js';
import { databaseKinds } from '../../test/database.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { TestClient, pageText } from '../../test/http.js';
import { addMonths, londonToday } from '../platform/time/form-dates.js';

const kinds = await databaseKinds();

type Child = { id: string; given_name: string; family_name: string; registered_practice_id: string };
type EntrySeed = {
  kind: string; display: string; status: string; startedOn?: string | null; endedOn?: string | null; details?: Record<string, unknown>;
  code?: string; sensitive?: string; organisationId?: string;
};

/** The text between two phrases of a page: what one part of the record shows. */
function between(text: string, from: string, to?: string): string {
  const start = text.indexOf(from);
  if (start < 0) throw new Error(`"${from}" is not on the page`);
  const end = to ? text.indexOf(to, start + from.length) : -1;
  return text.slice(start, end < 0 ? undefined : end);
}

describe.each(kinds)('the shared record pages (%s)', (kind) => {
  let j: TestJoinery;
  let mine: Child;
  let flagged: Child;
  let elsewhere: Child;
  let stranger: Child;
  let otherIcsChild: Child;
  let gpOrg: string;
  const today = londonToday();
  const ago = (months: number) => addMonths(today, -months);

  const one = async <T>(query: ReturnType<typeof sql>) => (await rows<T>(j.db.owner, query))[0];
  const count = async (query: ReturnType<typeof sql>) => (await one<{ n: number }>(query)).n;
  const signIn = (role: string) => TestClient.signIn(j.app, `${role}@demo.joinery.test`);

  async function addEntry(child: Child, e: EntrySeed): Promise<string> {
    const id = crypto.randomUUID();
    await j.db.owner.execute(sql`INSERT INTO record_entry (ics_id, id, child_id, kind, code_system, code, display, status, started_on, ended_on, details,
        sensitive_category, recorded_by_name, recording_organisation_id, recorded_at, version)
      VALUES (${j.ics.icsId}::uuid, ${id}::uuid, ${child.id}::uuid, ${e.kind}, ${e.code ? 'http://snomed.info/sct' : null}, ${e.code ?? null}, ${e.display},
        ${e.status}, ${e.startedOn ?? null}::date, ${e.endedOn ?? null}::date, ${JSON.stringify(e.details ?? {})}::jsonb, ${e.sensitive ?? null},
        'Nurse Test Seed', ${e.organisationId ?? child.registered_practice_id}::uuid, now(), 1)`);
    return id;
  }

  async function addContact(child: Child, type: string, startedAt: string, reason: string, opts: { sensitive?: string; organisationId?: string } = {}) {
    await j.db.owner.execute(sql`INSERT INTO contact (ics_id, id, child_id, type, started_at, reason_display, sensitive_category, recording_organisation_id, organisation_id)
      VALUES (${j.ics.icsId}::uuid, ${crypto.randomUUID()}::uuid, ${child.id}::uuid, ${type}, ${startedAt}::timestamptz, ${reason}, ${opts.sensitive ?? null},
        ${opts.organisationId ?? child.registered_practice_id}::uuid, ${opts.organisationId ?? child.registered_practice_id}::uuid)`);
  }

  /** Signs in and makes sure the professional can open the child (emergency access when they have no relationship). */
  async function withAccess(role: string, childId: string): Promise<TestClient> {
    const c = await signIn(role);
    if ((await c.get(`/children/${childId}`)).statusCode === 403) {
      expect((await c.post(`/children/${childId}/break-glass`, { reason: 'Seen in the emergency department today' })).statusCode).toBe(303);
    }
    return c;
  }

  beforeAll(async () => {
    j = await startJoinery(kind);
    gpOrg = (await one<{ id: string }>(sql`SELECT organisation_id AS id FROM professional WHERE email = 'gp@demo.joinery.test'`)).id;
    const paediatrician = (await one<{ id: string }>(sql`SELECT id FROM professional WHERE email = 'paediatrician@demo.joinery.test'`)).id;
    const socialWorker = (await one<{ id: string }>(sql`SELECT id FROM professional WHERE email = 'social-worker@demo.joinery.test'`)).id;
    const demoPeople = (await rows<{ id: string }>(j.db.owner, sql`SELECT id FROM professional WHERE email LIKE '%@demo.joinery.test'`))
      .map((p) => sql`${p.id}::uuid`);
    const ics = j.ics.icsId;
    const columns = sql`c.id, c.given_name, c.family_name, c.registered_practice_id`;
    // Registered with the demo GP, in the demo paediatrician's cluster, old enough for the MMR, with someone holding parental responsibility.
    mine = await one<Child>(sql`SELECT ${columns} FROM child c WHERE c.ics_id = ${ics}::uuid AND c.registered_practice_id = ${gpOrg}::uuid
      AND c.date_of_birth BETWEEN '2016-01-01' AND '2021-12-31' -- born before the entries the tests date 2022
      AND EXISTS (SELECT 1 FROM child_related_person r WHERE r.ics_id = ${ics}::uuid AND r.ics_id = c.ics_id AND r.child_id = c.id AND r.parental_responsibility)
      AND EXISTS (SELECT 1 FROM cluster_practice cp JOIN cluster cl ON cl.ics_id = cp.ics_id AND cl.id = cp.cluster_id
                  WHERE cp.ics_id = ${ics}::uuid AND cl.ics_id = ${ics}::uuid AND cp.ics_id = c.ics_id
                    AND cp.practice_id = c.registered_practice_id AND cl.lead_paediatrician_id = ${paediatrician}::uuid)
      ORDER BY c.id LIMIT 1`);
    flagged = await one<Child>(sql`SELECT ${columns} FROM child c JOIN care_team_member m ON m.ics_id = c.ics_id AND m.child_id = c.id
      JOIN child_flag f ON f.ics_id = c.ics_id AND f.child_id = c.id AND f.kind = 'child-protection-plan' AND f.ended_on IS NULL
      WHERE c.ics_id = ${ics}::uuid AND m.ics_id = ${ics}::uuid AND f.ics_id = ${ics}::uuid
        AND m.professional_id = ${socialWorker}::uuid AND m.ended_at IS NULL
      ORDER BY c.id LIMIT 1`);
    elsewhere = await one<Child>(sql`SELECT ${columns} FROM child c WHERE c.ics_id = ${ics}::uuid AND c.registered_practice_id <> ${gpOrg}::uuid
      AND NOT EXISTS (SELECT 1 FROM care_team_member m WHERE m.ics_id = ${ics}::uuid AND m.ics_id = c.ics_id AND m.child_id = c.id
        AND m.professional_id IN (${sql.join(demoPeople, sql`, `)}))
      ORDER BY c.id LIMIT 1`);
    // Like elsewhere, but no test gives anyone emergency access to it.
    stranger = await one<Child>(sql`SELECT ${columns} FROM child c WHERE c.ics_id = ${ics}::uuid AND c.registered_practice_id <> ${gpOrg}::uuid
      AND NOT EXISTS (SELECT 1 FROM care_team_member m WHERE m.ics_id = ${ics}::uuid AND m.ics_id = c.ics_id AND m.child_id = c.id
        AND m.professional_id IN (${sql.join(demoPeople, sql`, `)}))
      AND c.id <> ${elsewhere.id}::uuid
      ORDER BY c.id LIMIT 1`);
    otherIcsChild = await one<Child>(sql`SELECT ${columns} FROM child c WHERE c.ics_id = ${j.other.icsId}::uuid ORDER BY c.id LIMIT 1`);
  });
  afterAll(() => j?.close());

  it('shows each section as the database holds it, with medication split by date and banners first', async () => {
    await addEntry(mine, { kind: 'allergy', display: 'Allergy to peanut QX', status: 'active', startedOn: '2020-05-01', details: { reaction: 'Lip swelling', severity: 'severe' } });
    await addEntry(mine, { kind: 'allergy', display: 'Allergy to egg QX', status: 'resolved', startedOn: '2018-05-01', endedOn: '2021-01-01' });
    await addEntry(mine, { kind: 'medication', display: 'Salbutamol QX', status: 'active', startedOn: ago(30), details: { course: 'repeat', dose: '2 puffs', reason: 'Asthma' } });
    await addEntry(mine, { kind: 'medication', display: 'Amoxicillin QX', status: 'completed', startedOn: ago(3), endedOn: ago(3), details: { course: 'acute', reason: 'Otitis media' } });
    await addEntry(mine, { kind: 'medication', display: 'Old acute QX', status: 'completed', startedOn: ago(14), details: { course: 'acute' } });
    await addEntry(mine, { kind: 'medication', display: 'Montelukast QX', status: 'stopped', startedOn: ago(20), endedOn: ago(2), details: { course: 'repeat', stopReason: 'Sleep disturbance' } });
    await addEntry(mine, { kind: 'medication', display: 'Long stopped QX', status: 'stopped', startedOn: ago(30), endedOn: ago(8), details: { course: 'repeat' } });
    await addEntry(mine, { kind: 'problem', display: 'Asthma QX', status: 'active', startedOn: '2021-02-01', details: { significance: 'major' } });
    await addEntry(mine, { kind: 'problem', display: 'Fractured wrist QX', status: 'resolved', startedOn: '2022-06-01', endedOn: '2022-08-01' });
    await addEntry(mine, { kind: 'procedure', display: 'Grommets QX', status: 'completed', startedOn: '2023-03-03', details: { outcome: 'Hearing improved' } });
    await addEntry(mine, { kind: 'immunisation', display: 'MMR QX', status: 'completed', startedOn: ago(60), code: '871831003', details: { doseNumber: 1 } });
    await addEntry(mine, { kind: 'anticipatory-care', display: 'Asthma plan QX', status: 'active', details: { text: 'Two puffs then call 999 if no better' } });
    await addEntry(mine, { kind: 'communication-need', display: 'Uses Makaton QX', status: 'active', details: { text: 'Signs with Makaton', adjustment: 'Allow extra time' } });
    await addContact(mine, 'ed', `${ago(1)}T21:30:00Z`, 'Wheeze QX');

    const gp = await signIn('gp');
    const res = await gp.get(`/children/${mine.id}/record`);
    expect(res.statusCode).toBe(200);
    const whole = pageText(res.body);
    const text = whole.slice(whole.indexOf('Show sensitive entries'));

    // The allergy banner comes before the heading.
    expect(whole.indexOf('Allergy to peanut QX (severe): Lip swelling')).toBeLessThan(whole.indexOf('Shared care record'));
    expect(between(text, 'Current allergies and adverse reactions', 'Past allergies')).toContain('Allergy to peanut QX');
    expect(between(text, 'Past allergies and adverse reactions', 'Medication')).toContain('Allergy to egg QX');

    const repeat = between(text, 'Current repeat medication', 'Acute medication in the last 12 months');
    const acute = between(text, 'Acute medication in the last 12 months', 'Repeat medication stopped in the last 6 months');
    const stopped = between(text, 'Repeat medication stopped in the last 6 months', 'Problems and significant history');
    expect(repeat).toContain('Salbutamol QX');
    expect(repeat).toContain('Reason: Asthma');
    expect(acute).toContain('Amoxicillin QX');
    expect(acute).toContain('Reason: Otitis media');
    expect(stopped).toContain('Montelukast QX');
    expect(stopped).toContain('Stopped because: Sleep disturbance');
    expect(text).not.toContain('Old acute QX');
    expect(text).not.toContain('Long stopped QX');

    expect(between(text, 'Current problems', 'Past problems')).toContain('Asthma QX');
    expect(between(text, 'Past problems and significant history', 'Significant procedures')).toContain('Fractured wrist QX');
    expect(between(text, 'Significant procedures', 'Immunisations')).toContain('Outcome: Hearing improved');
    const immunisations = between(text, 'UK routine childhood schedule', 'Observations');
    expect(immunisations).toMatch(/Measles, mumps and rubella \(MMR\) vaccine Dose 1 Due at 1 year .*? Status Given/);
    expect(immunisations).toContain('MMR QX');
    expect(between(text, 'Anticipatory care information', 'Communication needs')).toContain('Two puffs then call 999 if no better');
    expect(between(text, 'Communication needs and reasonable adjustments', 'Carers and')).toContain('Reasonable adjustment: Allow extra time');
    const family = await rows<{ given_name: string; family_name: string }>(j.db.owner, sql`SELECT p.given_name, p.family_name FROM child_related_person r
      JOIN related_person p ON p.ics_id = r.ics_id AND p.id = r.related_person_id
      WHERE r.ics_id = ${j.ics.icsId}::uuid AND p.ics_id = ${j.ics.icsId}::uuid AND r.child_id = ${mine.id}::uuid AND r.parental_responsibility`);
    expect(between(text, 'Carers and people with parental responsibility Carers', 'Timeline of contacts')).toContain(`${family[0].given_name} ${family[0].family_name}`);
    expect(between(text, 'Timeline of contacts Record a contact')).toContain('Wheeze QX');

    // Who recorded it, where and when, and a link to its history.
    expect(repeat).toContain('Nurse Test Seed');
    expect(res.body).toMatch(new RegExp(`/children/${mine.id}/record/entries/[0-9a-f-]{36}"`));
    expect(await count(sql`SELECT count(*)::int AS n FROM audit_event WHERE child_id = ${mine.id}::uuid AND action = 'record.read'`)).toBeGreaterThan(0);
  });

  type AuditRow = { action: string; what: string; professional_id: string; details: Record<string, unknown> | null };
  const auditOf = (childId: string) =>
    rows<AuditRow>(j.db.owner, sql`SELECT action, what, professional_id, details FROM audit_event WHERE child_id = ${childId}::uuid ORDER BY id`);
  const professionalId = async (role: string) => (await one<{ id: string }>(sql`SELECT id FROM professional WHERE email = ${`${role}@demo.joinery.test`}`)).id;

  it('one view of the record is one audit event, naming the child and the professional and saying what was shown', async () => {
    // At least one contact, so the timeline's count is on the page to check.
    await addContact(mine, 'gp', `${ago(2)}T10:00:00Z`, 'Review QA');
    const gp = await signIn('gp');
    const before = (await auditOf(mine.id)).length;
    const res = await gp.get(`/children/${mine.id}/record`);
    expect(res.statusCode).toBe(200);
    const events = (await auditOf(mine.id)).slice(before);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: 'record.read', professional_id: await professionalId('gp') });
    expect(events[0].what).toMatch(/^Shared record: entries, carers and timeline of contacts/);
    // Every entry the GP may see was read (the page leaves out old medication, but it was read to decide that).
    const entries = await count(sql`SELECT count(*)::int AS n FROM record_entry WHERE child_id = ${mine.id}::uuid AND status <> 'entered-in-error'
      AND (sensitive_category IS NULL OR recording_organisation_id = ${gpOrg}::uuid)`);
    expect(entries).toBeGreaterThan(10);
    expect(events[0].details).toMatchObject({ entries, moreEntries: false, contactsFrom: 1 });
    const total = (events[0].details as { contactsMatching: number }).contactsMatching;
    expect(total).toBeGreaterThan(0);
    expect(total).toBe(await count(sql`SELECT count(*)::int AS n FROM contact WHERE child_id = ${mine.id}::uuid
      AND (sensitive_category IS NULL OR recording_organisation_id = ${gpOrg}::uuid)`));
    expect(pageText(res.body)).toContain(` of ${total} contact`);
  });

  it('a professional without a relationship is refused the record: the refusal is audited, nothing of the record is read or shown', async () => {
    const gp = await signIn('gp');
    const before = (await auditOf(stranger.id)).length;
    const refused = await gp.get(`/children/${stranger.id}/record`);
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('Use emergency access');
    expect(refused.body).not.toContain(stranger.family_name.toUpperCase());
    expect(refused.body).not.toContain(stranger.family_name);
    const events = (await auditOf(stranger.id)).slice(before);
    expect(events).toEqual([expect.objectContaining({ action: 'child.access-refused', what: 'Refused: shared record', professional_id: await professionalId('gp') })]);
    // The other record pages are refused the same way.
    for (const url of ['entries/new?kind=allergy', 'contacts/new', 'reveal']) {
      expect((await gp.get(`/children/${stranger.id}/record/${url}`)).statusCode, url).toBe(403);
    }
    expect((await auditOf(stranger.id)).slice(before).map((e) => e.action)).toEqual(Array(4).fill('child.access-refused'));
  });

  it('an entry of another child’s record is not found under this child’s address: not read, not shown, not changed', async () => {
    const gp = await signIn('gp');
    const otherEntry = await addEntry(flagged, { kind: 'problem', display: 'Elsewhere QZ', status: 'active' });
    const before = (await auditOf(flagged.id)).length;
    const base = `/children/${mine.id}/record/entries/${otherEntry}`;
    expect((await gp.get(base)).statusCode).toBe(404);
    expect((await gp.get(`${base}/edit`)).statusCode).toBe(404);
    const post = await gp.post(`${base}/edit`, { version: '1', display: 'Changed QZ', status: 'resolved' });
    expect(post.statusCode).toBe(404);
    expect(await one<{ display: string; version: number }>(sql`SELECT display, version FROM record_entry WHERE id = ${otherEntry}::uuid`))
      .toEqual({ display: 'Elsewhere QZ', version: 1 });
    expect((await auditOf(flagged.id)).slice(before)).toEqual([]);
    // Under its own child's address it is found (with emergency access, as the GP has no relationship with that child).
    const withGlass = await withAccess('gp', flagged.id);
    const own = await withGlass.get(`/children/${flagged.id}/record/entries/${otherEntry}`);
    expect(own.statusCode).toBe(200);
    expect(pageText(own.body)).toContain('Elsewhere QZ');
  });

  it('filters the timeline by type and date, pages it, and explains a bad date', async () => {
    // The child may already have GP contacts in the period (the generator's); the 23 added here come on top.
    const already = await count(sql`SELECT count(*)::int AS n FROM contact WHERE child_id = ${mine.id}::uuid AND type = 'gp' AND started_at >= (${ago(3)}::date::timestamp AT TIME ZONE 'Europe/London')`);
    const gpContacts = already + 23;
    for (let i = 0; i < 23; i++) await addContact(mine, 'gp', `${ago(2)}T09:${String(10 + i).padStart(2, '0')}:00Z`, `Review ${i} QT`);
    await addContact(mine, 'outpatient', `${ago(40)}T10:00:00Z`, 'Clinic QT');
    const gp = await signIn('gp');
    const base = `/children/${mine.id}/record`;

    const outpatient = pageText((await gp.get(`${base}?type=outpatient`)).body);
    expect(outpatient).toContain('Clinic QT');
    expect(outpatient).not.toContain('Review 1 QT');
    expect(outpatient).toMatch(/Showing 1 to 1 of 1 contact that match/);

    const [y, m, d] = ago(3).split('-');
    const recent = await gp.get(`${base}?type=gp&from-day=${d}&from-month=${m}&from-year=${y}`);
    const recentText = pageText(recent.body);
    expect(recentText).toContain(`Showing 1 to 20 of ${gpContacts} contacts that match the filter`);
    expect(recent.body).toContain('type=gp&amp;from-day=');
    expect(recentText).not.toContain('Clinic QT');
    const page2 = pageText((await gp.get(`${base}?type=gp&from-day=${d}&from-month=${m}&from-year=${y}&page=2`)).body);
    expect(page2).toContain(`Showing 21 to ${gpContacts} of ${gpContacts}`);

    const bad = await gp.get(`${base}?from-day=31&from-month=2&from-year=2025&type=nonsense`);
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('There is a problem');
    expect(bad.body).toContain('href="#from-day"');
    expect(pageText(bad.body)).toContain('The from date must be a real date');
    expect(pageText(bad.body)).toContain('Select types of contact from the list');
  });

  it('records an entry from the form, and refuses bad input with a message per field, keeping what was typed and saving nothing', async () => {
    const gp = await signIn('gp');
    const before = await count(sql`SELECT count(*)::int AS n FROM record_entry WHERE child_id = ${mine.id}::uuid`);
    await gp.get(`/children/${mine.id}/record/entries/new?kind=allergy`);
    const bad = await gp.post(`/children/${mine.id}/record/entries/new?kind=allergy`, {
      display: '', 'startedOn-day': '12', 'startedOn-month': '13', 'startedOn-year': '2024', 'details-reaction': 'Wheeze QB', 'details-severity': 'awful',
      sensitiveCategory: 'gossip',
    });
    expect(bad.statusCode).toBe(400);
    const text = pageText(bad.body);
    expect(text).toContain('There is a problem');
    for (const message of ['Enter the substance or allergy', 'Select the status', 'Date first recorded must be a real date']) expect(text).toContain(message);
    for (const href of ['#display', '#status', '#startedOn-day', '#details-severity', '#sensitiveCategory']) expect(bad.body).toContain(`href="${href}"`);
    expect(bad.body).toContain('value="Wheeze QB"');
    expect(await count(sql`SELECT count(*)::int AS n FROM record_entry WHERE child_id = ${mine.id}::uuid`)).toBe(before);

    const future = await gp.post(`/children/${mine.id}/record/entries/new?kind=medication`, {
      display: 'Ibuprofen QB', status: 'active', 'startedOn-day': '1', 'startedOn-month': '1', 'startedOn-year': '2999',
    });
    expect(future.statusCode).toBe(400);
    expect(pageText(future.body)).toContain('Start date must be today or in the past');
    expect(pageText(future.body)).toContain('Select whether it is a repeat or an acute medicine');

    const saved = await gp.post(`/children/${mine.id}/record/entries/new?kind=allergy`, {
      display: 'Allergy to kiwi QB', status: 'active', 'details-reaction': 'Itchy mouth', 'details-severity': 'mild', 'details-category': 'food', sensitiveCategory: '',
    });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe(`/children/${mine.id}/record?saved=entry#allergy`);
    const row = await one<{ details: Record<string, unknown>; recorded_by_name: string }>(sql`SELECT details, recorded_by_name FROM record_entry WHERE display = 'Allergy to kiwi QB'`);
    expect(row.details).toEqual({ reaction: 'Itchy mouth', severity: 'mild', category: 'food' });
    const page = pageText((await gp.get(`/children/${mine.id}/record?saved=entry`)).body);
    expect(page).toContain('The entry has been saved.');
    expect(page).toContain(`Allergy to kiwi QB Reaction: Itchy mouth Severity: Mild Type: Food`);
    expect(page).toContain(row.recorded_by_name);

    const vaccine = await gp.post(`/children/${mine.id}/record/entries/new?kind=immunisation`, {
      display: '', code: '871878002', status: 'completed', 'startedOn-day': '2', 'startedOn-month': '3', 'startedOn-year': '2024', 'details-doseNumber': 'two',
    });
    expect(vaccine.statusCode).toBe(400);
    expect(pageText(vaccine.body)).toContain('Dose number must be a whole number, like 2');
  });

  it('an edit carrying an old version shows the 409 page and changes nothing; the history shows every version', async () => {
    const gp = await signIn('gp');
    await gp.get(`/children/${mine.id}/record/entries/new?kind=problem`);
    expect((await gp.post(`/children/${mine.id}/record/entries/new?kind=problem`, {
      display: 'Eczema QE', status: 'active', 'startedOn-day': '1', 'startedOn-month': '1', 'startedOn-year': '2022',
    })).statusCode).toBe(303);
    const { id } = await one<{ id: string }>(sql`SELECT id FROM record_entry WHERE display = 'Eczema QE'`);
    const form = await gp.get(`/children/${mine.id}/record/entries/${id}/edit`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('name="version" value="1"');
    expect(form.body).toContain('value="Eczema QE"');

    const first = await gp.post(`/children/${mine.id}/record/entries/${id}/edit`, {
      version: '1', display: 'Atopic eczema QE', status: 'active', 'startedOn-day': '1', 'startedOn-month': '1', 'startedOn-year': '2022', 'details-significance': 'minor',
    });
    expect(first.statusCode).toBe(303);
    const stale = await gp.post(`/children/${mine.id}/record/entries/${id}/edit`, {
      version: '1', display: 'Eczema, resolved QE', status: 'resolved', 'startedOn-day': '1', 'startedOn-month': '1', 'startedOn-year': '2022',
    });
    expect(stale.statusCode).toBe(409);
    expect(pageText(stale.body)).toContain('Someone else changed this entry');
    expect(stale.body).toContain(`/children/${mine.id}/record/entries/${id}`);
    const row = await one<{ display: string; status: string; version: number }>(sql`SELECT display, status, version FROM record_entry WHERE id = ${id}::uuid`);
    expect(row).toEqual({ display: 'Atopic eczema QE', status: 'active', version: 2 });

    const missing = await gp.post(`/children/${mine.id}/record/entries/${id}/edit`, { display: 'No version QE', status: 'active' });
    expect(missing.statusCode).toBe(400);
    expect(pageText(missing.body)).toContain('This page was out of date');

    const history = await gp.get(`/children/${mine.id}/record/entries/${id}`);
    expect(history.statusCode).toBe(200);
    const text = pageText(history.body);
    expect(text).toMatch(/Version 2: changed by Dr [^]*? Problem or diagnosis Before Eczema QE After Atopic eczema QE/);
    expect(text).toContain('Significance Before (empty) After Minor');
    expect(text).toMatch(/Version 1: recorded by Dr [^]*? Problem or diagnosis Recorded as Eczema QE/);
    expect(text.indexOf('Version 2')).toBeLessThan(text.indexOf('Version 1'));
    expect(await count(sql`SELECT count(*)::int AS n FROM audit_event WHERE child_id = ${mine.id}::uuid AND action = 'record.update-entry'`)).toBe(1);

    // An entry of another child's record is not found under this child.
    const otherEntry = await addEntry(flagged, { kind: 'problem', display: 'Not here QE', status: 'active' });
    expect((await gp.get(`/children/${mine.id}/record/entries/${otherEntry}`)).statusCode).toBe(404);
    expect((await gp.get(`/children/${mine.id}/record/entries/not-an-id`)).statusCode).toBe(404);
  });

  it('a sensitive entry is hidden outside the recording team, and from banners and counts, until a stated reason (audited)', async () => {
    const gp = await signIn('gp');
    await gp.get(`/children/${mine.id}/record/entries/new?kind=problem`);
    const saved = await gp.post(`/children/${mine.id}/record/entries/new?kind=problem`, {
      display: 'Chlamydia QS', status: 'resolved', sensitiveCategory: 'sexual-health',
    });
    expect(saved.statusCode).toBe(303);
    const entryId = (await one<{ id: string }>(sql`SELECT id FROM record_entry WHERE display = 'Chlamydia QS'`)).id;
    const gpPage = pageText((await gp.get(`/children/${mine.id}/record`)).body);
    expect(gpPage).toContain('Chlamydia QS');
    expect(gpPage).toContain('Sensitive: Sexual health');

    // The paediatrician (another organisation, cluster lead) sees the record without it, and is offered the reason form without a count.
    const paed = await signIn('paediatrician');
    const hidden = await paed.get(`/children/${mine.id}/record`);
    expect(hidden.statusCode).toBe(200);
    expect(hidden.body).not.toContain('Chlamydia QS');
    expect(hidden.body).not.toContain(entryId);
    expect(pageText(hidden.body)).toContain('Show sensitive entries');
    expect((await paed.get(`/children/${mine.id}/record/entries/${entryId}`)).statusCode).toBe(404);
    expect((await paed.get(`/children/${mine.id}/record/entries/${entryId}/edit`)).statusCode).toBe(404);

    const form = await paed.get(`/children/${mine.id}/record/reveal`);
    expect(form.statusCode).toBe(200);
    const short = await paed.post(`/children/${mine.id}/record/reveal`, { reason: 'need' });
    expect(short.statusCode).toBe(400);
    expect(pageText(short.body)).toContain('Enter why you need to see sensitive entries, in at least 10 characters');
    expect(await count(sql`SELECT count(*)::int AS n FROM sensitive_reveal WHERE child_id = ${mine.id}::uuid`)).toBe(0);

    const revealed = await paed.post(`/children/${mine.id}/record/reveal`, { reason: 'Planning antibiotics that may interact' });
    expect(revealed.statusCode).toBe(303);
    const shown = await paed.get(`/children/${mine.id}/record?saved=revealed`);
    expect(shown.body).toContain('Chlamydia QS');
    expect(pageText(shown.body)).toContain('Your reason has been recorded');
    const audit = await one<{ stated_reason: string }>(sql`SELECT stated_reason FROM audit_event WHERE child_id = ${mine.id}::uuid AND action = 'record.reveal-sensitive'`);
    expect(audit.stated_reason).toBe('Planning antibiotics that may interact');
  });

  it('education in the care team sees the summary without health detail and may not reveal sensitive entries; every reveal waits for the privacy officer with who, which child and why', async () => {
    await addEntry(mine, { kind: 'problem', display: 'Epilepsy QE', status: 'active', startedOn: '2022-01-01' });
    const phone = (await one<{ phone: string }>(sql`SELECT p.phone FROM child_related_person r JOIN related_person p ON p.ics_id = r.ics_id AND p.id = r.related_person_id
      WHERE r.ics_id = ${j.ics.icsId}::uuid AND p.ics_id = ${j.ics.icsId}::uuid AND r.child_id = ${mine.id}::uuid AND p.phone IS NOT NULL ORDER BY p.id LIMIT 1`)).phone;
    const sencoId = await professionalId('senco');
    await j.db.owner.execute(sql`INSERT INTO care_team_member (ics_id, id, child_id, professional_id, role_in_team)
      VALUES (${j.ics.icsId}::uuid, ${crypto.randomUUID()}::uuid, ${mine.id}::uuid, ${sencoId}::uuid, 'SENCO at the child’s school')`);
    try {
      const gpSummary = pageText((await (await signIn('gp')).get(`/children/${mine.id}`)).body);
      expect(gpSummary).toContain('Epilepsy QE');
      expect(gpSummary).toContain(phone);

      const senco = await signIn('senco');
      const summary = await senco.get(`/children/${mine.id}`);
      expect(summary.statusCode).toBe(200);
      const seen = pageText(summary.body);
      expect(seen).toContain(`${mine.family_name.toUpperCase()}, ${mine.given_name}`);
      expect(seen).toContain('Parental responsibility');
      expect(seen).not.toContain('Epilepsy QE');
      expect(seen).not.toContain(phone);
      expect(seen).not.toContain('Open the shared record');
      expect(seen).toContain('shared with health and social care only');
      const audited = await one<{ what: string }>(sql`SELECT what FROM audit_event WHERE child_id = ${mine.id}::uuid AND professional_id = ${sencoId}::uuid
        AND action = 'child.view-summary' ORDER BY at DESC LIMIT 1`);
      expect(audited.what).toBe('Child summary without health detail (no conditions, no carers’ contact details)');

      // No reveal: not the form, not the post; nothing is opened.
      expect((await senco.get(`/children/${mine.id}/record/reveal`)).statusCode).toBe(403);
      expect((await senco.post(`/children/${mine.id}/record/reveal`, { reason: 'Planning support in class for the pupil' })).statusCode).toBe(403);
      expect(await count(sql`SELECT count(*)::int AS n FROM sensitive_reveal WHERE professional_id = ${sencoId}::uuid`)).toBe(0);
    } finally {
      await j.db.owner.execute(sql`DELETE FROM care_team_member WHERE child_id = ${mine.id}::uuid AND professional_id = ${sencoId}::uuid`);
    }

    // A paediatrician's reveal goes to the privacy officer's queue, saying who, which child and why.
    const paed = await signIn('paediatrician');
    await paed.get(`/children/${mine.id}/record/reveal`);
    expect((await paed.post(`/children/${mine.id}/record/reveal`, { reason: 'Checking for a medicine interaction QR' })).statusCode).toBe(303);
    const reveal = await one<{ id: string; name: string }>(sql`SELECT r.id, p.name FROM sensitive_reveal r JOIN professional p ON p.id = r.professional_id
      WHERE r.ics_id = ${j.ics.icsId}::uuid AND r.child_id = ${mine.id}::uuid AND r.reason = 'Checking for a medicine interaction QR'`);
    const po = await signIn('privacy-officer');
    expect(pageText((await po.get('/')).body)).toMatch(/[1-9]\d* reveals? of sensitive entries await your review/);
    const queue = await po.get('/privacy/break-glass');
    // This reveal's card: from its heading to its review form.
    const form = queue.body.indexOf(`/privacy/sensitive-reveal/${reveal.id}/review`);
    expect(form).toBeGreaterThan(0);
    const card = pageText(queue.body.slice(queue.body.lastIndexOf('nhsuk-card__heading', form) - 20, form));
    expect(card).toContain(`${reveal.name} saw ${mine.given_name} ${mine.family_name}’s sensitive entries`);
    expect(card).toContain('Checking for a medicine interaction QR');
    expect(card).toContain('Paediatrician');
    expect((await po.post(`/privacy/sensitive-reveal/${reveal.id}/review`, { note: 'x' })).statusCode).toBe(400);
    expect((await po.post(`/privacy/sensitive-reveal/${reveal.id}/review`, { outcome: 'appropriate', note: 'Prescribing check QR' })).statusCode).toBe(303);
    expect((await po.get('/privacy/break-glass')).body).not.toContain(reveal.id);
    expect(pageText((await po.get('/privacy/break-glass?show=reviewed')).body)).toContain('Appropriate: the reason justified access. Prescribing check QR');
    expect((await po.post(`/privacy/sensitive-reveal/${reveal.id}/review`, { outcome: 'inappropriate' })).statusCode).toBe(409);
    expect((await po.post(`/privacy/unknown-kind/${reveal.id}/review`, { outcome: 'appropriate' })).statusCode).toBe(404);
    const review = await one<{ what: string; details: { revealId: string } }>(sql`SELECT what, details FROM audit_event
      WHERE child_id = ${mine.id}::uuid AND action = 'privacy.review-sensitive-reveal'`);
    expect(review).toEqual({ what: 'Reveal of sensitive entries reviewed: Appropriate: the reason justified access', details: { revealId: reveal.id } });
    // Only a privacy officer reviews.
    expect((await paed.get('/privacy/break-glass')).statusCode).toBe(403);
  });

  it('another organisation’s GP (by emergency access) sees no sensitive allergy in the banner and no sensitive contact in the timeline or its count', async () => {
    await addEntry(elsewhere, { kind: 'allergy', display: 'Latex allergy QH', status: 'active', sensitive: 'confidential-from-parents', organisationId: elsewhere.registered_practice_id });
    await addEntry(elsewhere, { kind: 'allergy', display: 'Allergy to penicillin QH', status: 'active' });
    await addContact(elsewhere, 'mental-health', `${ago(1)}T10:00:00Z`, 'Clinic QH hidden', { sensitive: 'confidential-from-parents' });
    await addContact(elsewhere, 'gp', `${ago(1)}T11:00:00Z`, 'Cough QH');
    const visible = await count(sql`SELECT count(*)::int AS n FROM contact WHERE child_id = ${elsewhere.id}::uuid AND sensitive_category IS NULL`);

    const gp = await signIn('gp');
    const refused = await gp.get(`/children/${elsewhere.id}/record`);
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('Use emergency access');
    expect(refused.body).not.toContain(elsewhere.family_name.toUpperCase());

    const withGlass = await withAccess('gp', elsewhere.id);
    const page = await withGlass.get(`/children/${elsewhere.id}/record`);
    expect(page.statusCode).toBe(200);
    const text = pageText(page.body);
    expect(text).toContain('emergency access');
    expect(text).toContain('Allergy to penicillin QH');
    expect(text).not.toContain('Latex allergy QH');
    expect(text).not.toContain('Clinic QH hidden');
    expect(text).toContain(`of ${visible} contact`);
    const filtered = pageText((await withGlass.get(`/children/${elsewhere.id}/record?type=mental-health`)).body);
    expect(filtered).toContain('No contacts match the filter');
  });

  it('a CP-IS flag shows the local authority and the last unscheduled attendances; an ED contact puts an item on the social worker’s worklist until it is done', async () => {
    const la = await one<{ name: string; ods_code: string }>(sql`SELECT o.name, o.ods_code FROM child_flag f JOIN organisation o ON o.id = f.local_authority_id
      WHERE f.ics_id = ${j.ics.icsId}::uuid AND f.child_id = ${flagged.id}::uuid AND f.kind = 'child-protection-plan'`);
    const gp = await withAccess('gp', flagged.id);
    const contactForm = await gp.get(`/children/${flagged.id}/record/contacts/new`);
    expect(contactForm.statusCode).toBe(200);
    const bad = await gp.post(`/children/${flagged.id}/record/contacts`, { 'startedAt-day': '1', 'startedAt-month': '1', 'startedAt-year': '2026', 'startedAt-time': '25:00' });
    expect(bad.statusCode).toBe(400);
    expect(pageText(bad.body)).toContain('Select the type of contact');
    expect(bad.body).toContain('href="#startedAt-time"');

    const [y, m, d] = today.split('-');
    const ed = await gp.post(`/children/${flagged.id}/record/contacts`, {
      type: 'ed', 'startedAt-day': d, 'startedAt-month': m, 'startedAt-year': y, 'startedAt-time': '00:05', reasonDisplay: 'Scald QW',
    });
    expect(ed.statusCode).toBe(303);
    const stored = await one<{ started_at: Date }>(sql`SELECT started_at FROM contact WHERE reason_display = 'Scald QW'`);
    expect(new Date(stored.started_at).toISOString().slice(11, 16)).toMatch(/^(00:05|23:05)$/);

    const record = pageText((await gp.get(`/children/${flagged.id}/record`)).body);
    expect(record.indexOf('Child protection plan')).toBeLessThan(record.indexOf('Shared care record'));
    expect(record).toContain(`${la.name} (ODS code ${la.ods_code})`);
    expect(between(record, 'Last 25 unscheduled attendances', 'Shared care record')).toContain('Scald QW');

    const sw = await signIn('social-worker');
    const home = await sw.get('/');
    expect(home.body).toContain('href="/worklist"');
    const worklist = await sw.get('/worklist');
    expect(worklist.statusCode).toBe(200);
    expect(pageText(worklist.body)).toContain('Attended an emergency department (child protection or looked-after flag)');
    expect(worklist.body).toContain(`href="/children/${flagged.id}/record"`);
    const item = await one<{ id: string }>(sql`SELECT id FROM worklist_item WHERE ics_id = ${j.ics.icsId}::uuid AND child_id = ${flagged.id}::uuid AND done_at IS NULL
      AND professional_id = ${await professionalId('social-worker')}::uuid ORDER BY created_at DESC LIMIT 1`);
    expect(worklist.body).toContain(`/worklist/${item.id}/done`);

    // Only its owner can mark it done.
    const gpDone = await gp.post(`/worklist/${item.id}/done`, {});
    expect(gpDone.statusCode).toBe(404);
    const done = await sw.post(`/worklist/${item.id}/done`, {});
    expect(done.statusCode).toBe(303);
    const after = await sw.get('/worklist?done=1');
    expect(after.body).not.toContain(item.id);
    expect(pageText(after.body)).toContain('The item has been marked as done.');
  });

  it('a child with a care plan shows it first; an urgent care attendance goes on the key worker’s worklist', async () => {
    // The plan first, then its key worker (a correlated subquery beside a reference table does not run on Citus).
    const plan = await one<{ child_id: string; title: string; key_worker_id: string }>(sql`SELECT p.child_id, p.title, p.key_worker_id
      FROM care_plan p WHERE p.ics_id = ${j.ics.icsId}::uuid AND p.status <> 'closed'
        AND NOT EXISTS (SELECT 1 FROM child_flag f WHERE f.ics_id = ${j.ics.icsId}::uuid AND f.ics_id = p.ics_id AND f.child_id = p.child_id) ORDER BY p.id LIMIT 1`);
    const planned = { ...plan, email: (await one<{ email: string | null }>(sql`SELECT email FROM professional WHERE id = ${plan.key_worker_id}::uuid`)).email };
    const gp = await withAccess('gp', planned.child_id);
    const record = pageText((await gp.get(`/children/${planned.child_id}/record`)).body);
    expect(record).toContain(`This child has a care plan: ${planned.title}`);
    expect(record.indexOf('This child has a care plan')).toBeLessThan(record.indexOf('Shared care record'));

    const [y, m, d] = today.split('-');
    await gp.get(`/children/${planned.child_id}/record/contacts/new`);
    const contact = await gp.post(`/children/${planned.child_id}/record/contacts`, {
      type: 'urgent-care', 'startedAt-day': d, 'startedAt-month': m, 'startedAt-year': y, 'startedAt-time': '00:10', reasonDisplay: 'Wheeze QK',
    });
    expect(contact.statusCode).toBe(303);
    const items = await rows<{ professional_id: string; title: string }>(j.db.owner, sql`SELECT professional_id, title FROM worklist_item
      WHERE child_id = ${planned.child_id}::uuid AND kind = 'unscheduled-attendance'`);
    expect(items).toEqual([{ professional_id: planned.key_worker_id, title: 'Attended urgent care (you are the key worker for their care plan)' }]);
  });

  it('the shared record is for health and social care: education and youth justice in the care team are refused it (audited, no emergency access offered); health sees the care plan banner', async () => {
    const planned = await one<{ id: string; child_id: string; title: string }>(sql`SELECT p.id, p.child_id, p.title
      FROM care_plan p WHERE p.ics_id = ${j.ics.icsId}::uuid AND p.status <> 'closed'
        AND NOT EXISTS (SELECT 1 FROM child_flag f WHERE f.ics_id = ${j.ics.icsId}::uuid AND f.ics_id = p.ics_id AND f.child_id = p.child_id) ORDER BY p.id DESC LIMIT 1`);
    // The SENCO and the youth justice worker are in the child's care team; the family has consented to share with both (the plan's audience).
    const consents = ['social-care', 'education', 'youth-justice'].map((agency) => ({ id: crypto.randomUUID(), scope: `share-with-${agency}` }));
    for (const c of consents) {
      await j.db.owner.execute(sql`INSERT INTO consent_record (ics_id, id, child_id, scope, decision, given_by, decided_at, recorded_at)
        VALUES (${j.ics.icsId}::uuid, ${c.id}::uuid, ${planned.child_id}::uuid, ${c.scope}, 'given', 'parent', now(), now())`);
    }
    for (const role of ['senco', 'youth-justice-worker']) {
      await j.db.owner.execute(sql`INSERT INTO care_team_member (ics_id, id, child_id, professional_id, role_in_team)
        VALUES (${j.ics.icsId}::uuid, ${crypto.randomUUID()}::uuid, ${planned.child_id}::uuid, ${await professionalId(role)}::uuid, 'Test banner member')`);
    }
    try {
      for (const role of ['senco', 'youth-justice-worker']) {
        const client = await signIn(role);
        const res = await client.get(`/children/${planned.child_id}/record`);
        expect(res.statusCode, role).toBe(403);
        const text = pageText(res.body);
        expect(text, role).toContain('education and youth justice see the care plan the family shares with them');
        expect(text, role).not.toContain('Shared care record');
        expect(text, role).not.toContain('Use emergency access');
        const refused = await count(sql`SELECT count(*)::int AS n FROM audit_event WHERE child_id = ${planned.child_id}::uuid
          AND action = 'child.access-refused' AND what = 'Refused: shared record' AND professional_id = ${await professionalId(role)}::uuid`);
        expect(refused, role).toBe(1);
        // The plan shared with their agency is where they look instead.
        expect(pageText((await client.get(`/children/${planned.child_id}/care-plan`)).body), role).toContain(planned.title);
      }
      const gp = await withAccess('gp', planned.child_id);
      expect(pageText((await gp.get(`/children/${planned.child_id}/record`)).body)).toContain(`This child has a care plan: ${planned.title}`);
    } finally {
      for (const c of consents) await j.db.owner.execute(sql`DELETE FROM consent_record WHERE id = ${c.id}::uuid`);
      await j.db.owner.execute(sql`DELETE FROM care_team_member WHERE child_id = ${planned.child_id}::uuid AND role_in_team = 'Test banner member'`);
    }
  });

  it('a frozen record shows its banner and refuses others’ changes with a clear page, until the freeze is lifted', async () => {
    const sw = await signIn('social-worker');
    const form = await sw.get(`/children/${flagged.id}/record/freeze`);
    expect(form.statusCode).toBe(200);
    expect((await sw.post(`/children/${flagged.id}/record/freeze`, { reason: 'short' })).statusCode).toBe(400);
    const frozen = await sw.post(`/children/${flagged.id}/record/freeze`, { reason: 'Section 47 enquiry under way' });
    expect(frozen.statusCode).toBe(303);

    const gp = await withAccess('gp', flagged.id);
    const page = pageText((await gp.get(`/children/${flagged.id}/record`)).body);
    expect(page).toContain('This record is frozen during a safeguarding investigation');
    expect(page).not.toContain('Section 47 enquiry under way');
    expect(page).not.toContain('Add an allergy');
    const before = await count(sql`SELECT count(*)::int AS n FROM record_entry WHERE child_id = ${flagged.id}::uuid`);
    const refusedForm = await gp.get(`/children/${flagged.id}/record/entries/new?kind=allergy`);
    expect(refusedForm.statusCode).toBe(403);
    const refused = await gp.post(`/children/${flagged.id}/record/entries/new?kind=allergy`, { display: 'Allergy to wasp QF', status: 'active' });
    expect(refused.statusCode).toBe(403);
    expect(pageText(refused.body)).toContain('You cannot change this record');
    expect(pageText(refused.body)).toContain('frozen during a safeguarding investigation');
    expect(await count(sql`SELECT count(*)::int AS n FROM record_entry WHERE child_id = ${flagged.id}::uuid`)).toBe(before);

    // The team that froze it still records.
    expect((await sw.post(`/children/${flagged.id}/record/entries/new?kind=anticipatory-care`, {
      display: 'Contact arrangements QF', status: 'active', 'details-text': 'Supervised contact only',
    })).statusCode).toBe(303);

    expect((await sw.post(`/children/${flagged.id}/record/lift`, {})).statusCode).toBe(303);
    expect(pageText((await gp.get(`/children/${flagged.id}/record`)).body)).not.toContain('This record is frozen');
    expect((await gp.post(`/children/${flagged.id}/record/entries/new?kind=allergy`, { display: 'Allergy to wasp QF', status: 'active' })).statusCode).toBe(303);
  });

  it('a privacy officer freezes a record without seeing it; roles without a worklist are refused one', async () => {
    const po = await signIn('privacy-officer');
    const form = await po.get(`/children/${elsewhere.id}/record/freeze`);
    expect(form.statusCode).toBe(200);
    expect(form.body).not.toContain(elsewhere.family_name);
    expect((await po.post(`/children/${elsewhere.id}/record/freeze`, { reason: 'Allegation against a staff member' })).statusCode).toBe(303);
    expect(pageText((await po.get(`/children/${elsewhere.id}/record/freeze`)).body)).toContain('Allegation against a staff member');
    expect((await po.post(`/children/${elsewhere.id}/record/lift`, {})).statusCode).toBe(303);
    expect((await po.get(`/children/${elsewhere.id}/record`)).statusCode).toBe(403);
    expect((await po.get('/worklist')).statusCode).toBe(403);
  });

  it('another ICS’s child is not found on any record page', async () => {
    const gp = await signIn('gp');
    const base = `/children/${otherIcsChild.id}/record`;
    for (const url of [base, `${base}/entries/new?kind=allergy`, `${base}/reveal`, `${base}/contacts/new`, `${base}/freeze`]) {
      expect((await gp.get(url)).statusCode, url).toBe(404);
    }
    expect((await gp.post(`${base}/entries/new?kind=allergy`, { display: 'X', status: 'active' })).statusCode).toBe(404);
    expect((await gp.post(`${base}/reveal`, { reason: 'A long enough reason' })).statusCode).toBe(404);
    const po = await signIn('privacy-officer');
    expect((await po.post(`${base}/freeze`, { reason: 'A long enough reason' })).statusCode).toBe(404);
    expect(await count(sql`SELECT count(*)::int AS n FROM record_freeze WHERE child_id = ${otherIcsChild.id}::uuid`)).toBe(0);
  });
});
