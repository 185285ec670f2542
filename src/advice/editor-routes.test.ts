import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../platform/db/client.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { TestClient, pageText } from '../../test/http.js';

const BASE = '/admin/advice';

/** The ICS clinical lead keeps the advice library: list, edit with preview, approve; an administrator edits but may not approve. */
describe('the advice library editor (pglite)', () => {
  let j: TestJoinery;
  let admin: TestClient;
  const versions = async (pageId: string) =>
    rows<{ version: number; title: string; approved_by: string | null }>(j.db.owner, sql`SELECT version, title, approved_by FROM advice_page_version
      WHERE ics_id = ${j.ics.icsId}::uuid AND page_id = ${pageId} ORDER BY version`);
  /** The editor's form as it stands, as a browser would post it back. */
  const formOf = (html: string): Record<string, string | string[]> => {
    const form: Record<string, string | string[]> = {};
    const add = (k: string, v: string) => {
      const had = form[k];
      form[k] = had === undefined ? v : [had].flat().concat(v);
    };
    const decode = (v: string) => v.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    const editor = html.slice(html.indexOf('action="/admin/advice/fever"'), html.indexOf('</form>', html.indexOf('action="/admin/advice/fever"')));
    for (const m of editor.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"[^>]*>/g)) if (!/type="checkbox"/.test(m[0]) || /checked/.test(m[0])) add(m[1], decode(m[2]));
    for (const m of editor.matchAll(/<textarea[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/textarea>/g)) add(m[1], decode(m[2]).replace(/^\n/, ''));
    return form;
  };

  beforeAll(async () => {
    j = await startJoinery('pglite', 150);
    admin = await TestClient.signIn(j.app, 'admin@demo.joinery.test');
  }, 120_000);
  afterAll(() => j?.close());

  it('lists the starter library with status, review date and reading age, and refuses everyone but the clinical lead and an administrator', async () => {
    const list = await admin.get(BASE);
    expect(list.statusCode).toBe(200);
    const text = pageText(list.body);
    for (const title of ['Fever in babies and young children', 'Bronchiolitis', 'Wheeze and asthma attack', 'Diarrhoea and vomiting', 'Head injury', 'Tummy pain', 'Constipation', 'Eczema']) {
      expect(text).toContain(title);
    }
    expect(text).toContain('Demonstration');
    expect(text).toContain('Target reading age');
    for (const role of ['paediatrician', 'gp', 'ics-analyst']) {
      const other = await TestClient.signIn(j.app, `${role}@demo.joinery.test`);
      const refused = await other.get(`${BASE}/fever`);
      expect(refused.statusCode).toBe(403);
      expect(pageText(refused.body)).toContain('Only the ICS clinical lead or an administrator edits the advice library.');
    }
    const lead = await TestClient.signIn(j.app, 'clinical-lead@demo.joinery.test');
    expect((await lead.get(BASE)).statusCode).toBe(200);
  });

  it('shows every red sign of a band without scrolling its box, and says a starter page is approved for demonstration only (H036)', async () => {
    const editor = await admin.get(`${BASE}/fever`);
    const red = /<textarea[^>]*name="b0-red"[^>]*rows="(\d+)"[^>]*>([\s\S]*?)<\/textarea>|<textarea[^>]*rows="(\d+)"[^>]*name="b0-red"[^>]*>([\s\S]*?)<\/textarea>/.exec(editor.body)!;
    const rowsShown = Number(red[1] ?? red[3]);
    const signs = (red[2] ?? red[4]).replace(/^\n/, '').split('\n').length;
    expect(signs).toBeGreaterThan(4);
    expect(rowsShown).toBeGreaterThan(signs);
    const text = pageText(editor.body);
    expect(text).toContain('Approved for demonstration only: not yet approved by your ICS’s clinicians');
    // The clinical lead, who approves, is told what approving a starter page means.
    const lead = await TestClient.signIn(j.app, 'clinical-lead@demo.joinery.test');
    expect(pageText((await lead.get(`${BASE}/fever`)).body)).toContain('It becomes your ICS’s own page: families are no longer told it is demonstration content');
  });

  it('shows the reading age against the target, and previews an edit as families would read it without saving', async () => {
    const editor = await admin.get(`${BASE}/fever`);
    expect(pageText(editor.body)).toMatch(/Reading age\s+\d+ \(target 11; Flesch–Kincaid grade/);
    const form = formOf(editor.body);
    expect(form['b0-red']).toContain('Your baby is under 3 months old and has a temperature of 38°C or more');
    const preview = await admin.post(`${BASE}/fever`, { ...form, 'b0-red': `Your baby is limp\n${form['b0-red'] as string}`, action: 'preview' });
    expect(preview.statusCode).toBe(200);
    expect(pageText(preview.body)).toContain('Preview: your changes, not saved yet');
    expect(pageText(preview.body)).toContain('Your baby is limp');
    expect(await versions('fever')).toHaveLength(1);
  });

  it('refuses a band without red criteria, or a gap between bands, naming the field, and saves nothing (H036)', async () => {
    const form = formOf((await admin.get(`${BASE}/fever`)).body);
    const noRed = await admin.post(`${BASE}/fever`, { ...form, 'b1-red': '' });
    expect(noRed.statusCode).toBe(400);
    expect(noRed.body).toContain('href="#b1-red"');
    expect(pageText(noRed.body)).toContain('Every age band needs at least one red criterion');
    const gap = await admin.post(`${BASE}/fever`, { ...form, 'b1-from': '4' });
    expect(gap.statusCode).toBe(400);
    expect(pageText(gap.body)).toContain('Age bands leave a gap from 3 to 4 months');
    expect(await versions('fever')).toHaveLength(1);
  });

  it('saves an edit as a draft that is not sent until approved, then approves it with a review date', async () => {
    const form = formOf((await admin.get(`${BASE}/fever`)).body);
    const saved = await admin.post(`${BASE}/fever`, { ...form, title: 'Fever in children' });
    expect(saved.statusCode).toBe(303);
    expect(await versions('fever')).toEqual([
      { version: 1, title: 'Fever in babies and young children', approved_by: 'Demonstration only: not approved by any ICS clinician' },
      { version: 2, title: 'Fever in children', approved_by: null },
    ]);
    const draft = pageText((await admin.get(`${BASE}/fever`)).body);
    expect(draft).toContain('Draft: not approved');
    const old = await admin.get(`${BASE}/fever/versions/1`);
    expect(pageText(old.body)).toContain('Fever in babies and young children: version 1');

    // An administrator edits, but the clinical content is approved by the ICS clinical lead alone.
    expect(draft).toContain('Only the ICS clinical lead approves pages for families.');
    const next = new Date().getUTCFullYear() + 1;
    const byAdmin = await admin.post(`${BASE}/fever/approve`, { version: '2', 'reviewBy-day': '1', 'reviewBy-month': '6', 'reviewBy-year': String(next) });
    expect(byAdmin.statusCode).toBe(403);
    expect(pageText(byAdmin.body)).toContain('Only the ICS clinical lead approves advice pages for families.');
    expect(await versions('fever')).toHaveLength(2);

    const lead = await TestClient.signIn(j.app, 'clinical-lead@demo.joinery.test');
    expect(pageText((await lead.get(`${BASE}/fever`)).body)).toContain('Approve version 2');
    const lateReview = await lead.post(`${BASE}/fever/approve`, { version: '2', 'reviewBy-day': '1', 'reviewBy-month': '1', 'reviewBy-year': '2020' });
    expect(lateReview.statusCode).toBe(400);
    expect(pageText(lateReview.body)).toContain('The review date must be after today');
    const stale = await lead.post(`${BASE}/fever/approve`, { version: '1', 'reviewBy-day': '1', 'reviewBy-month': '6', 'reviewBy-year': String(next) });
    expect(stale.statusCode).toBe(409);
    expect((await lead.post(`${BASE}/fever/approve`, { version: '2', 'reviewBy-day': '1', 'reviewBy-month': '6', 'reviewBy-year': String(next) })).statusCode).toBe(303);
    const [, , approved] = await versions('fever');
    const { name } = (await rows<{ name: string }>(j.db.owner, sql`SELECT name FROM professional WHERE email = 'clinical-lead@demo.joinery.test'`))[0];
    expect(approved).toEqual({ version: 3, title: 'Fever in children', approved_by: name });
    const [audit] = await rows(j.db.owner, sql`SELECT actor_name, role, why FROM audit_event WHERE action = 'advice-page.approve' ORDER BY id DESC LIMIT 1`);
    expect(audit).toEqual({ actor_name: name, role: 'clinical-lead', why: 'ICS clinical lead' });
    expect(pageText((await admin.get(`${BASE}/fever`)).body)).toContain(`review by 1 June ${next}`);
  });

  it('sets the ICS’s reading age target, refusing one out of range', async () => {
    await admin.get(BASE);
    expect((await admin.post(`${BASE}/target`, { target: '30' })).statusCode).toBe(400);
    expect((await admin.post(`${BASE}/target`, { target: '9' })).statusCode).toBe(303);
    expect(pageText((await admin.get(`${BASE}/fever`)).body)).toContain('(target 9;');
  });

  it('adds a new page as a draft, which families are not sent until it is approved', async () => {
    await admin.get(`${BASE}/new`);
    const made = await admin.post(`${BASE}/new`, {
      version: '0', demonstration: 'no', id: 'croup', title: 'Croup', condition: 'Croup', author: 'Dr Lead', sources: 'NICE CKS: croup',
      'b0-from': '6', 'b0-to': '72', 'b0-red': 'Your child is struggling to breathe', 'b0-actions-red': '999', 'b0-amber': 'The barking cough is getting worse',
      'b0-actions-amber': ['111', 'practice'], 'b0-green': 'Your child is breathing comfortably', 'b1-from': '', 'b1-red': '',
    });
    expect(made.statusCode).toBe(303);
    expect(await versions('croup')).toEqual([{ version: 1, title: 'Croup', approved_by: null }]);
    expect(pageText((await admin.get(BASE)).body)).toMatch(/Croup Latest Version 1 Status Draft: not approved/);
  });
});
