import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { migrate } from '../src/platform/db/migrate.js';
import { rows } from '../src/platform/db/client.js';
import { readJson } from '../src/platform/data-files.js';
import { testPage } from '../src/advice/test-pages.js';
import { inDataFolder, runCli } from './run-cli.js';

/** `joinery advice export` and `joinery advice import FILE`, as an ICS shares its library with a region. */
describe('joinery advice', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'joinery-advice-'));
  const env = { ...process.env };
  const file = (name: string, content: unknown) => {
    const at = path.join(dataDir, name);
    fs.writeFileSync(at, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
    return at;
  };
  const versions = () => inDataFolder(dataDir, (db) =>
    rows<{ page_id: string; version: number }>(db.owner, sql`SELECT page_id, version FROM advice_page_version ORDER BY page_id, version`));

  beforeAll(async () => {
    process.env.JOINERY_DATA_DIR = dataDir;
    delete process.env.DATABASE_URL;
    await inDataFolder(dataDir, async (db) => {
      await migrate(db);
      await db.owner.execute(sql`INSERT INTO ics (id, name, code) VALUES (${crypto.randomUUID()}::uuid, 'Northshire ICS', 'NTH')`);
    });
  });
  afterAll(() => {
    process.env = env;
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('is in joinery help, and refuses an unknown sub-command', async () => {
    expect((await runCli(['help'])).output).toContain('advice export | import FILE');
    expect(await runCli(['advice', 'print'])).toMatchObject({ code: 2, output: expect.stringContaining("Unknown advice command 'print'") });
    expect(await runCli(['advice', 'import'])).toMatchObject({ code: 2, output: expect.stringContaining('Give one JSON file to import') });
  });

  it('refuses an invalid file with every reason, naming page and field, and changes nothing', async () => {
    const noRed = testPage({ id: 'croup' });
    noRed.ageBands[0] = { ...noRed.ageBands[0], red: [] };
    const gap = testPage({ id: 'cough', reviewBy: '2025-01-01' });
    gap.ageBands[1] = { ...gap.ageBands[1], fromMonths: 4 };
    const refused = await runCli(['advice', 'import', file('bad.json', { pages: [testPage(), noRed, gap] })]);
    expect(refused.code).toBe(1);
    expect(refused.output.split('\n')).toEqual([
      expect.stringContaining('bad.json was refused; nothing was imported:'),
      '  pages[1] (croup) ageBands[0].red: Every age band needs at least one red criterion',
      '  pages[2] (cough) ageBands[1].fromMonths: Age bands leave a gap from 3 to 4 months',
      '  pages[2] (cough) reviewBy: reviewBy must be after approvedOn',
    ]);
    const broken = await runCli(['advice', 'import', file('broken.json', '{"pages": [\n  {"id": "fever",,}\n]}')]);
    expect(broken).toMatchObject({ code: 1, output: expect.stringMatching(/broken\.json is not valid JSON: line 2, column \d+.*Nothing was imported\./) });
    expect(await versions()).toEqual([]);
  });

  it('imports the starter library, exports it in the issue’s format, and imports the export again without change', async () => {
    const starter = path.resolve('data/advice-library.json');
    const loaded = await runCli(['advice', 'import', starter, '--ics', 'NTH']);
    expect(loaded.code).toBe(0);
    expect(loaded.output).toContain('Imported into NTH: 8 saved, 0 unchanged.');
    const exported = await runCli(['advice', 'export']);
    expect(exported.code).toBe(0);
    const library = JSON.parse(exported.output) as { pages: Record<string, unknown>[] };
    expect(library.pages).toHaveLength(8);
    const fever = library.pages.find((p) => p.id === 'fever')!;
    expect(Object.keys(fever)).toEqual(expect.arrayContaining(['id', 'title', 'condition', 'version', 'author', 'approvedBy', 'approvedOn', 'reviewBy', 'ageBands', 'sources']));
    expect(fever).toMatchObject({ version: 1, approvedOn: '2026-11-01', reviewBy: '2027-11-01', demonstration: true });
    const bands = fever.ageBands as { fromMonths: number; toMonths: number; red: string[] }[];
    expect(Object.keys(bands[0]).slice(0, 5)).toEqual(['fromMonths', 'toMonths', 'red', 'amber', 'green']);
    expect(bands.map((b) => [b.fromMonths, b.toMonths])).toEqual([[0, 3], [3, 6], [6, 60]]);
    expect(library.pages.map((p) => p.id).sort()).toEqual((readJson('advice-library.json') as { pages: { id: string }[] }).pages.map((p) => p.id).sort());

    const again = await runCli(['advice', 'import', file('export.json', exported.output)]);
    expect(again).toMatchObject({ code: 0, output: expect.stringContaining('0 saved, 8 unchanged') });
    expect(await versions()).toHaveLength(8);
  });
});
