import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../platform/db/client.js';
import { databaseKinds } from '../../test/database.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { TestClient, pageText } from '../../test/http.js';
import { currentTemplate } from './store.js';
import { LETTER_KINDS, type LetterKind } from './templates.js';

const kinds = await databaseKinds();
const BASE = '/admin/letter-templates';
/** Every field a kind requires, so a test's own wording can be saved. */
const required = (letter: LetterKind) => LETTER_KINDS[letter].required.map((f) => `{{${f}}}`).join(' ');

/** An administrator rewords the ICS's letters; the letters written afterwards use the new wording, in that ICS only. */
describe.each(kinds)('letter templates (%s)', (kind) => {
  let j: TestJoinery;
  let admin: TestClient;
  const versionsOf = async (icsId: string, letter: LetterKind) =>
    (await rows<{ version: number }>(j.db.owner, sql`SELECT version FROM letter_template WHERE ics_id = ${icsId}::uuid AND kind = ${letter} ORDER BY version`)).map((r) => r.version);
  const inUse = (icsId: string, letter: LetterKind) => j.db.tenant(icsId, (tx) => currentTemplate(tx, icsId, letter));
  /** Opens the editor (for its CSRF token) and posts the form. */
  const post = async (client: TestClient, url: string, form: Record<string, string>) => {
    await client.get(`${BASE}/referral`);
    return client.post(url, form);
  };

  beforeAll(async () => {
    j = await startJoinery(kind, 150);
    admin = await TestClient.signIn(j.app, 'admin@demo.joinery.test');
  }, 120_000);
  afterAll(() => j?.close());

  it('refuses anyone but an administrator, and knows only its own letters and versions', async () => {
    const gp = await TestClient.signIn(j.app, 'gp@demo.joinery.test');
    expect((await gp.get(BASE)).statusCode).toBe(403);
    const page = await gp.get(`${BASE}/referral`);
    expect(page.statusCode).toBe(403);
    expect(pageText(page.body)).toContain('Only an administrator changes the letter templates.');
    expect((await gp.post(`${BASE}/referral`, { title: 'T', body: 'B', version: '0' })).statusCode).toBe(403);
    expect((await gp.post(`${BASE}/referral/reset`, { version: '0' })).statusCode).toBe(403);
    expect(await versionsOf(j.ics.icsId, 'referral')).toEqual([]);

    expect((await admin.get(`${BASE}/discharge`)).statusCode).toBe(404);
    expect((await admin.get(`${BASE}/referral/versions/7`)).statusCode).toBe(404);
    expect((await admin.get(`${BASE}/referral/versions/x`)).statusCode).toBe(404);
  });

  it('lists each letter with the wording in use, and opens an editor prefilled with it, its fields and a sample preview', async () => {
    const list = pageText((await admin.get(BASE)).body);
    for (const t of Object.values(LETTER_KINDS)) expect(list).toContain(`Letter ${t.name} Wording in use Shipped wording Last changed Not changed`);

    const res = await admin.get(`${BASE}/clinic-outcome`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('value="After {{child}}’s appointment at the {{hub}} clinic"');
    expect(res.body).toContain('## What happens next\n{{next}}\n\n{{clinician}}, {{hub}}</textarea>');
    expect(res.body).toContain('name="version" value="0"');
    const text = pageText(res.body);
    expect(text).toContain('{{child}} — the child’s name');
    expect(text).toContain('{{copiedTo}} — the care team the letter is copied to');
    expect(text).toContain('Sample details, not a real child.');
    expect(text).toContain('After Sample Child’s appointment at the Example Child Health Hub clinic');
    expect(text).toContain('What happens next Example of what happens next.');
    expect(text).toContain('Version Version 0 In use Saved by Shipped with Joinery');
    expect(text).not.toContain('Reset to the shipped wording');
  });

  it('shows field errors, names unknown placeholders and saves nothing', async () => {
    const res = await post(admin, `${BASE}/clinic-outcome`, { title: '', body: 'Dear {{chlid}},\n\n{{plan}}', version: '0' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatch(/<a href="#title">\s*Enter the title\s*<\/a>/);
    expect(res.body).toMatch(/<a href="#body">\s*\{\{chlid\}\} is not a field of this letter\s*<\/a>/);
    expect(res.body).toContain('Dear {{chlid}},\n\n{{plan}}</textarea>');
    expect(pageText(res.body)).toMatch(/^Error: /);

    const long = await post(admin, `${BASE}/clinic-outcome`, { title: 'x'.repeat(201), body: 'x'.repeat(10_001), version: '0' });
    expect(long.statusCode).toBe(400);
    expect(pageText(long.body)).toContain('The title must be 200 characters or fewer');
    expect(pageText(long.body)).toContain('The letter text must be 10000 characters or fewer');
    expect(await versionsOf(j.ics.icsId, 'clinic-outcome')).toEqual([]);
  });

  it('refuses an advice letter without the paediatrician’s advice, naming the missing fields, and saves nothing', async () => {
    const body = LETTER_KINDS.advice.body.replace('{{advice}}', 'See below.').replace('{{selfCare}}', '');
    const res = await post(admin, `${BASE}/advice`, { title: LETTER_KINDS.advice.title, body, version: '0' });
    expect(res.statusCode).toBe(400);
    const message = 'The letter must include {{advice}} (the paediatrician’s advice and plan) and {{selfCare}} (self-care advice for the family (may be empty)), or they would be left out of every letter';
    expect(res.body).toMatch(/<a href="#body">\s*The letter must include \{\{advice\}\}/);
    expect(pageText(res.body)).toContain(`There is a problem ${message}`);
    expect(res.body).toContain('See below.');
    expect(await versionsOf(j.ics.icsId, 'advice')).toEqual([]);
    expect(await inUse(j.ics.icsId, 'advice')).toMatchObject({ version: 0, body: LETTER_KINDS.advice.body });

    // A required field in the title counts; the rest of the letter still needs the others.
    const inTitle = await post(admin, `${BASE}/clinic-outcome`, { title: 'Next: {{next}}', body: 'About {{child}}, born {{born}}, NHS number {{nhsNumber}}', version: '0' });
    expect(inTitle.statusCode).toBe(400);
    expect(pageText(inTitle.body)).toContain('The letter must include {{plan}} (the plan agreed), or it would be left out of every letter');
    expect(await versionsOf(j.ics.icsId, 'clinic-outcome')).toEqual([]);
    expect(pageText((await admin.get(`${BASE}/advice`)).body)).toContain('{{advice}} — the paediatrician’s advice and plan (required)');
  });

  it('previews typed changes with sample details without saving them', async () => {
    const res = await post(admin, `${BASE}/clinic-outcome`, { title: 'Seen: {{child}}', body: 'We saw {{child}} ({{born}}, {{nhsNumber}}).\n\n## Plan\n{{plan}}\n\n{{next}}', version: '0', action: 'preview' });
    expect(res.statusCode).toBe(200);
    const text = pageText(res.body);
    expect(text).toContain('This is a preview of your changes. They are not saved yet.');
    expect(text).toContain('Seen: Sample Child We saw Sample Child (1 January 2020, 999 000 0000). Plan Example plan agreed. Example of what happens next.');
    expect(res.body).toContain('name="version" value="0"');
    expect(await versionsOf(j.ics.icsId, 'clinic-outcome')).toEqual([]);
  });

  it('saves a new version that letters then use, audited, with the earlier wording kept in the history', async () => {
    const title = 'Referral for {{child}} to {{hub}}';
    const body = 'Please see {{child}}, born {{born}}, NHS number {{nhsNumber}}.\r\n\r\n## Reason\r\n{{reason}}\r\n\r\n## Asked\r\n{{question}}\r\n\r\n## Tried\r\n{{tried}}';
    const res = await post(admin, `${BASE}/referral`, { title, body, version: '0' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`${BASE}/referral?notice=saved`);

    const used = await inUse(j.ics.icsId, 'referral');
    expect(used).toMatchObject({ version: 1, title, body: body.replace(/\r\n/g, '\n'), changed_by_name: expect.any(String) });
    const [audit] = await rows<{ child_id: string | null; what: string; details: { kind: string; version: number } }>(
      j.db.owner, sql`SELECT child_id, what, details FROM audit_event WHERE ics_id = ${j.ics.icsId}::uuid AND action = 'letter-template.save'`);
    expect(audit).toMatchObject({ child_id: null, what: 'Letter template saved: Referral letter (GP to the hub), version 1', details: { kind: 'referral', version: 1 } });

    const page = pageText((await admin.get(res.headers.location as string)).body);
    expect(page).toContain('Saved as version 1. Letters written from now on use this wording.');
    expect(page).toContain(`Wording in use Version 1, saved by ${used.changed_by_name}`);
    expect(page).toMatch(/Version Version 1 In use Saved by .* Version Version 0 Saved by Shipped with Joinery/);
    expect(page).toContain('Referral for Sample Child to Example Child Health Hub Please see Sample Child, born 1 January 2020, NHS number 999 000 0000. Reason Example reason for referral. A second example paragraph. Asked Example question for the hub?');

    const earlier = await admin.get(`${BASE}/referral/versions/0`);
    expect(earlier.body).toContain(`value="${LETTER_KINDS.referral.title}"`);
    expect(pageText(earlier.body)).toContain('In use No');
    expect(pageText((await admin.get(`${BASE}/referral/versions/1`)).body)).toContain('In use Yes, letters written now use this version');
    expect(pageText((await admin.get(BASE)).body)).toContain(`Referral letter (GP to the hub) Wording in use Version 1 Last changed ${used.changed_by_name}, `);
  });

  it('saves nothing when the wording is unchanged', async () => {
    const { title, body, version } = await inUse(j.ics.icsId, 'referral');
    const res = await post(admin, `${BASE}/referral`, { title, body: body.replace(/\n/g, '\r\n'), version: String(version) });
    expect(res.headers.location).toBe(`${BASE}/referral?notice=unchanged`);
    expect(await versionsOf(j.ics.icsId, 'referral')).toEqual([1]);
  });

  it('refuses a save from a form opened before someone else saved, giving back what was typed', async () => {
    const res = await post(admin, `${BASE}/referral`, { title: 'Stale title', body: `Stale text ${required('referral')}`, version: '0' });
    expect(res.statusCode).toBe(409);
    const text = pageText(res.body);
    expect(text).toContain('saved version 1 of this letter while you were editing it. Nothing has been saved.');
    expect(res.body).toContain('value="Stale title"');
    expect(res.body).toContain(`Stale text ${required('referral')}</textarea>`);
    expect((await post(admin, `${BASE}/referral/reset`, { version: '0' })).statusCode).toBe(409);
    expect(await versionsOf(j.ics.icsId, 'referral')).toEqual([1]);
  });

  it('lets only one of two saves from the same version land', async () => {
    await admin.get(`${BASE}/referral`);
    const both = await Promise.all(['First', 'Second'].map((title) => admin.post(`${BASE}/referral`, { title, body: `Text ${required('referral')}`, version: '1' })));
    expect(both.map((r) => r.statusCode).sort()).toEqual([303, 409]);
    expect(await versionsOf(j.ics.icsId, 'referral')).toEqual([1, 2]);
  });

  it('resets to the shipped wording as a new version, keeping the history', async () => {
    const res = await post(admin, `${BASE}/referral/reset`, { version: '2' });
    expect(res.headers.location).toBe(`${BASE}/referral?notice=reset`);
    expect(await inUse(j.ics.icsId, 'referral')).toMatchObject({ version: 3, title: LETTER_KINDS.referral.title, body: LETTER_KINDS.referral.body });
    const page = pageText((await admin.get(res.headers.location as string)).body);
    expect(page).toContain('The shipped wording is back in use, saved as version 3. Earlier versions stay in the history.');
    for (const n of [3, 2, 1, 0]) expect(page).toContain(`Version ${n} `);
    expect(pageText((await admin.get(`${BASE}/referral/versions/1`)).body)).toContain('Please see {{child}}, born');
    const [audit] = await rows<{ what: string }>(j.db.owner, sql`SELECT what FROM audit_event WHERE ics_id = ${j.ics.icsId}::uuid AND details->>'version' = '3' AND action = 'letter-template.save'`);
    expect(audit.what).toBe('Letter template reset to the shipped wording: Referral letter (GP to the hub), version 3');
  });

  it('keeps each ICS’s wording to itself', async () => {
    const other = await TestClient.signIn(j.app, 'admin@other.joinery.test');
    await other.get(`${BASE}/advice`);
    expect((await other.post(`${BASE}/advice`, { title: 'Other ICS advice', body: `Other ICS text ${required('advice')}`, version: '0' })).statusCode).toBe(303);
    expect(await inUse(j.other.icsId, 'advice')).toMatchObject({ version: 1, title: 'Other ICS advice' });
    // The referral reworded in the demo ICS is not the other ICS's, nor the other's advice the demo's.
    expect(await inUse(j.other.icsId, 'referral')).toMatchObject({ version: 0 });
    expect(await inUse(j.ics.icsId, 'advice')).toMatchObject({ version: 0, title: LETTER_KINDS.advice.title });
    expect(pageText((await admin.get(BASE)).body)).toContain(`${LETTER_KINDS.advice.name} Wording in use Shipped wording Last changed Not changed`);
    expect((await admin.get(`${BASE}/advice/versions/1`)).statusCode).toBe(404);
    expect(pageText((await admin.get(`${BASE}/advice`)).body)).not.toContain('Other ICS');
  });
});
