import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { databaseKinds, freshDatabase } from '../../test/database.js';
import { rows, type Database } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { ForbiddenError, ValidationError } from '../platform/http/errors.js';
import { readJson } from '../platform/data-files.js';
import { bandFor, bandProblems, forAgeWords, libraryShape, pageShape, ageInMonths } from './page-format.js';
import { approvePage, exportLibrary, importLibrary, LibraryFileError, overview, pageWithHistory, savePage, STARTER_LIBRARY_FILE } from './library.js';
import { readability } from './reading-age.js';
import { pageText } from './library.js';
import { testPage } from './test-pages.js';

const problemsOf = (page: unknown) => {
  const parsed = pageShape.safeParse(page);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('an advice page is checked whole when saved', () => {
  it('refuses an age band with no red criterion (H036)', () => {
    const page = testPage();
    page.ageBands[1] = { ...page.ageBands[1], red: [] };
    expect(problemsOf(page)).toEqual(['ageBands.1.red: Every age band needs at least one red criterion']);
  });

  it('refuses bands that overlap or leave a gap, and a band that ends before it starts (H034)', () => {
    const overlap = testPage();
    overlap.ageBands[1] = { ...overlap.ageBands[1], fromMonths: 2 };
    expect(problemsOf(overlap)).toEqual(['ageBands.1.fromMonths: Age bands overlap: 0 to 3 months and 2 to 60 months']);
    const gap = testPage();
    gap.ageBands[1] = { ...gap.ageBands[1], fromMonths: 6 };
    expect(problemsOf(gap)).toEqual(['ageBands.1.fromMonths: Age bands leave a gap from 3 to 6 months']);
    const backwards = testPage();
    backwards.ageBands[0] = { ...backwards.ageBands[0], toMonths: 0 };
    expect(problemsOf(backwards)).toContain('ageBands.0.toMonths: toMonths must be after fromMonths');
    // Bands may be listed in any order: they are checked sorted by age.
    expect(problemsOf(testPage({ ageBands: [...testPage().ageBands].reverse() }))).toEqual([]);
  });

  it('wants the review date after the approval date, and approval all together or not at all', () => {
    expect(problemsOf(testPage({ reviewBy: '2026-01-10' }))).toEqual(['reviewBy: reviewBy must be after approvedOn']);
    expect(problemsOf(testPage({ reviewBy: null }))).toEqual(['approvedBy: An approved page needs approvedBy, approvedOn and reviewBy together (or none of them, for a draft)']);
    expect(problemsOf(testPage({ approvedBy: null, approvedOn: null, reviewBy: null }))).toEqual([]);
    expect(problemsOf(testPage({ approvedOn: '2026-02-30' }))).toEqual(['approvedOn: approvedOn is not a real date']);
  });

  it('names the band for an age at the boundaries: from fromMonths up to, not including, toMonths', () => {
    const bands = testPage().ageBands as { fromMonths: number; toMonths: number }[];
    expect(bandFor(bands, 0)?.fromMonths).toBe(0);
    expect(bandFor(bands, 2)?.fromMonths).toBe(0);
    expect(bandFor(bands, 3)?.fromMonths).toBe(3);
    expect(bandFor(bands, 59)?.fromMonths).toBe(3);
    expect(bandFor(bands, 60)).toBeUndefined();
    expect(bandProblems(bands)).toEqual([]);
  });

  it('tells the family who a band is for: under its upper age from birth, otherwise from and to (H034)', () => {
    expect(forAgeWords({ fromMonths: 0, toMonths: 3 })).toBe('under 3 months old');
    expect(forAgeWords({ fromMonths: 0, toMonths: 216 })).toBe('under 18 years old');
    expect(forAgeWords({ fromMonths: 3, toMonths: 6 })).toBe('aged 3 to 6 months');
    expect(forAgeWords({ fromMonths: 12, toMonths: 216 })).toBe('aged 1 to 18 years');
    expect(forAgeWords({ fromMonths: 3, toMonths: 60 })).toBe('aged 3 months to 5 years');
  });

  it('counts whole months of age the day the month is complete, not before', () => {
    expect(ageInMonths('2026-09-15', '2026-12-14')).toBe(2);
    expect(ageInMonths('2026-09-15', '2026-12-15')).toBe(3);
    expect(ageInMonths('2024-02-29', '2025-02-28')).toBe(11);
    expect(ageInMonths('2026-12-06', '2026-12-06')).toBe(0);
  });

  it('ships a starter library of eight valid demonstration pages, each within the reading age NHS guidance aims at', () => {
    const library = libraryShape.parse(readJson(STARTER_LIBRARY_FILE));
    expect(library.pages.map((p) => p.id)).toEqual(['fever', 'bronchiolitis', 'wheeze-asthma', 'diarrhoea-vomiting', 'head-injury', 'abdominal-pain', 'constipation', 'eczema']);
    for (const page of library.pages) {
      expect(page.demonstration, page.id).toBe(true);
      expect(page.approvedBy, page.id).toMatch(/^Demonstration only/);
      expect(readability(pageText(page)).readingAge, page.id).toBeLessThanOrEqual(11);
    }
    // NICE NG143: a baby under 3 months with a temperature of 38°C or more is red.
    expect(bandFor(library.pages[0].ageBands, 2)!.red[0]).toMatch(/under 3 months.*38°C/);
  });
});

describe.each(await databaseKinds())('the ICS’s library, on %s', (kind) => {
  let db: Database;
  const north = crypto.randomUUID();
  const south = crypto.randomUUID();
  const admin = (icsId: string): Actor => ({
    icsId, professionalId: crypto.randomUUID(), name: 'Ada Admin', email: 'a@x.test', role: 'admin', organisationId: crypto.randomUUID(), organisationName: 'ICB',
  });
  const clinicalLead = (icsId: string): Actor => ({ ...admin(icsId), name: 'Dr Cleo Lead', role: 'clinical-lead' });
  const versions = async (icsId: string) =>
    rows<{ page_id: string; version: number; approved_by: string | null }>(db.owner, sql`SELECT page_id, version, approved_by FROM advice_page_version WHERE ics_id = ${icsId}::uuid ORDER BY page_id, version`);

  beforeAll(async () => {
    db = await freshDatabase(kind);
    await db.owner.execute(sql`INSERT INTO ics (id, name, code) VALUES (${north}::uuid, 'North', 'NTH'), (${south}::uuid, 'South', 'STH')`);
  });
  afterAll(() => db?.close());

  it('refuses a whole file for one bad page, with the page and field, and changes nothing', async () => {
    const bad = testPage({ id: 'croup' });
    bad.ageBands[0] = { ...bad.ageBands[0], red: [] };
    const file = { pages: [testPage(), bad] };
    const error = await db.tenant(north, (tx) => importLibrary(tx, north, file, { id: null, name: 'cli' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LibraryFileError);
    expect((error as LibraryFileError).reasons).toEqual(['pages[1] (croup) ageBands[0].red: Every age band needs at least one red criterion']);
    expect(await versions(north)).toEqual([]);
    const notALibrary = await db.tenant(north, (tx) => importLibrary(tx, north, [1, 2], { id: null, name: 'cli' })).catch((e: unknown) => e);
    expect((notALibrary as LibraryFileError).reasons).toEqual(['The file must be a JSON object with a "pages" list']);
  });

  it('imports a library into one ICS only; the same file again changes nothing; a change is a new version and the old one is kept', async () => {
    expect(await db.tenant(north, (tx) => importLibrary(tx, north, { pages: [testPage()] }, { id: null, name: 'cli' }))).toEqual({ saved: [{ id: 'fever', version: 1 }], unchanged: [] });
    expect(await db.tenant(north, (tx) => importLibrary(tx, north, { pages: [testPage()] }, { id: null, name: 'cli' }))).toEqual({ saved: [], unchanged: ['fever'] });
    const changed = testPage({ title: 'Fever in children' });
    expect((await db.tenant(north, (tx) => importLibrary(tx, north, { pages: [changed] }, { id: null, name: 'cli' }))).saved).toEqual([{ id: 'fever', version: 2 }]);
    expect(await versions(north)).toEqual([{ page_id: 'fever', version: 1, approved_by: 'Dr Approver' }, { page_id: 'fever', version: 2, approved_by: 'Dr Approver' }]);
    expect(await versions(south)).toEqual([]);
    const exported = await db.tenant(north, (tx) => exportLibrary(tx, north));
    expect(exported.pages).toEqual([{ ...libraryShape.parse({ pages: [changed] }).pages[0], version: 2 }]);
    expect((await db.tenant(south, (tx) => exportLibrary(tx, south))).pages).toEqual([]);
  });

  it('saves an edit as an unapproved draft, approves it as a further version, and keeps every version readable', async () => {
    const lead = admin(north);
    const edited = { ...testPage({ title: 'Fever (edited)' }), approvedBy: 'Someone typed this', approvedOn: '2026-01-01', reviewBy: '2030-01-01' };
    const draft = await db.tenant(north, (tx) => savePage(tx, lead, edited, 2));
    expect(draft).toBe(3);
    const afterSave = await db.tenant(north, (tx) => pageWithHistory(tx, lead, 'fever', '2026-12-06'));
    // An edit is not what was approved: the approval is cleared until a clinician approves it again.
    expect(afterSave.current).toMatchObject({ version: 3, title: 'Fever (edited)', approved_by: null, review_by: null });
    expect(afterSave.status).toBe('draft');
    expect(await db.tenant(north, (tx) => savePage(tx, lead, edited, 3))).toBeNull();
    // Someone else's save since the form was opened is a conflict, not an overwrite.
    await expect(db.tenant(north, (tx) => savePage(tx, lead, testPage({ title: 'Other' }), 2))).rejects.toThrow(/newer version/);

    // Only the ICS clinical lead approves; the administrator who edited it cannot.
    await expect(db.tenant(north, (tx) => approvePage(tx, lead, 'fever', 3, { reviewBy: '2027-12-06' }, '2026-12-06'))).rejects.toThrow('Only the ICS clinical lead');
    const clinician = clinicalLead(north);
    await expect(db.tenant(north, (tx) => approvePage(tx, clinician, 'fever', 3, { reviewBy: '2026-12-06' }, '2026-12-06'))).rejects.toBeInstanceOf(ValidationError);
    expect(await db.tenant(north, (tx) => approvePage(tx, clinician, 'fever', 3, { reviewBy: '2027-12-06' }, '2026-12-06'))).toBe(4);
    const approved = await db.tenant(north, (tx) => pageWithHistory(tx, lead, 'fever', '2026-12-06'));
    expect(approved.current).toMatchObject({ version: 4, title: 'Fever (edited)', approved_by: 'Dr Cleo Lead', approved_on: '2026-12-06', review_by: '2027-12-06' });
    expect(approved.history.map((v) => v.version)).toEqual([4, 3, 2, 1]);
    expect(approved.history[3]).toMatchObject({ title: 'Fever', approved_by: 'Dr Approver' });
    const audit = await rows<{ action: string; what: string }>(db.owner, sql`SELECT action, what FROM audit_event WHERE ics_id = ${north}::uuid ORDER BY id`);
    expect(audit).toEqual([
      { action: 'advice-page.save', what: 'Advice page saved as a draft: Fever (edited), version 3' },
      { action: 'advice-page.approve', what: 'Advice page approved: Fever (edited), version 4, review by 2027-12-06' },
    ]);
  });

  it('keeps a starter page marked as demonstration content until the ICS’s clinical lead approves it, when it becomes the ICS’s own', async () => {
    const starter = testPage({ id: 'starter-croup', title: 'Croup', demonstration: true, approvedBy: 'Demonstration only' });
    await db.tenant(south, (tx) => importLibrary(tx, south, { pages: [starter] }, { id: null, name: 'Joinery starter library' }));
    // An edit by the administrator keeps the mark: the wording is still not the ICS clinicians' own.
    const edited = await db.tenant(south, (tx) => savePage(tx, admin(south), { ...starter, title: 'Croup in children' }, 1));
    expect((await db.tenant(south, (tx) => pageWithHistory(tx, admin(south), 'starter-croup', '2026-12-06'))).page.demonstration).toBe(true);
    const approved = await db.tenant(south, (tx) => approvePage(tx, clinicalLead(south), 'starter-croup', edited!, { reviewBy: '2027-12-06' }, '2026-12-06'));
    const now = await db.tenant(south, (tx) => pageWithHistory(tx, admin(south), 'starter-croup', '2026-12-06'));
    expect(now.page).toMatchObject({ version: approved, demonstration: false, approvedBy: 'Dr Cleo Lead' });
    expect(now.history.find((v) => v.version === 1)?.demonstration).toBe(true);
  });

  it('lists pages due for review and past it, and lets only an administrator or the clinical lead keep the library', async () => {
    const lead = admin(north);
    expect((await db.tenant(north, (tx) => overview(tx, lead, '2027-11-20'))).due.map((p) => [p.page_id, p.status])).toEqual([['fever', 'due-soon']]);
    expect((await db.tenant(north, (tx) => overview(tx, lead, '2027-12-07'))).due.map((p) => [p.page_id, p.status])).toEqual([['fever', 'past-review']]);
    expect((await db.tenant(north, (tx) => overview(tx, lead, '2027-01-01'))).due).toEqual([]);
    expect((await db.tenant(north, (tx) => overview(tx, clinicalLead(north), '2027-11-20'))).due.map((p) => p.page_id)).toEqual(['fever']);
    await expect(db.tenant(north, (tx) => overview(tx, { ...lead, role: 'paediatrician' }, '2027-01-01'))).rejects.toBeInstanceOf(ForbiddenError);
  });
});
