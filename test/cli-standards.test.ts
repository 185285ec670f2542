import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectEmbedded } from '../src/platform/db/connect.js';
import { migrate } from '../src/platform/db/migrate.js';
import { generateIcs } from '../src/synth/generate.js';
import { runCli } from './run-cli.js';

/** `joinery standards` as an analyst runs it, against an embedded database in a temporary folder. */
describe('joinery standards', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'joinery-standards-'));
  const env = { ...process.env };

  beforeAll(async () => {
    process.env.JOINERY_DATA_DIR = dataDir;
    delete process.env.DATABASE_URL;
    const db = await connectEmbedded(dataDir);
    try {
      await migrate(db);
      await generateIcs(db, { children: 200, seed: 63, icsName: 'Standards ICS', demoEmailDomain: 'standards.joinery.test', today: '2026-06-15' });
    } finally {
      await db.close();
    }
  });
  afterAll(() => {
    process.env = env;
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints every standard for every hub in the issue’s JSON shape', async () => {
    const { code, output } = await runCli(['standards', '--json', '--at', '2026-06-15']);
    expect(code).toBe(0);
    const r = JSON.parse(output) as { standards: { id: string; title: string; hubs: { hub: string; status: string; figure: number | null; unit: string; period: string }[] }[] };
    expect(r.standards.map((s) => s.id)).toEqual(['advice-in-promise', 'rapid-access-24h', 'link-paediatrician', 'gp-education-6-months', 'community-nursing', 'discharge-summary-24h']);
    for (const s of r.standards) {
      expect(s.hubs.length).toBeGreaterThan(0);
      for (const h of s.hubs) {
        expect(Object.keys(h)).toEqual(['hub', 'status', 'figure', 'unit', 'period']);
        expect(['met', 'partly', 'not-met', 'no-data', 'attested']).toContain(h.status);
        expect(h.period).toBe('2025-06-15 to 2026-06-14');
        if (h.status === 'no-data') expect(h.figure).toBeNull();
      }
    }
    // The generator names a lead paediatrician for every hub, so every practice has its link.
    expect(r.standards.find((s) => s.id === 'link-paediatrician')!.hubs.every((h) => h.status === 'met' && h.figure === 100)).toBe(true);
  });

  it('with --over-time gives each standard every half-year of five years, oldest first, hubs in the same shape and the same hubs', async () => {
    const { code, output } = await runCli(['standards', '--json', '--over-time', '--at', '2026-06-15']);
    expect(code).toBe(0);
    type Hub = { hub: string; status: string; figure: number | null; unit: string; period: string };
    const r = JSON.parse(output) as { standards: { id: string; hubs: Hub[]; overTime: { period: string; hubs: Hub[] }[] }[] };
    for (const s of r.standards) {
      expect(s.overTime.map((p) => p.period)).toEqual([
        '2021-06-15 to 2021-12-14', '2021-12-15 to 2022-06-14', '2022-06-15 to 2022-12-14', '2022-12-15 to 2023-06-14', '2023-06-15 to 2023-12-14',
        '2023-12-15 to 2024-06-14', '2024-06-15 to 2024-12-14', '2024-12-15 to 2025-06-14', '2025-06-15 to 2025-12-14', '2025-12-15 to 2026-06-14',
      ]);
      for (const p of s.overTime) {
        expect(p.hubs.map((h) => h.hub)).toEqual(s.hubs.map((h) => h.hub));
        for (const h of p.hubs) {
          expect(Object.keys(h)).toEqual(['hub', 'status', 'figure', 'unit', 'period']);
          expect(h.period).toBe(p.period);
          if (h.status === 'no-data' || h.status === 'attested') expect(h.figure).toBeNull();
        }
      }
    }
    // Who led each hub in the past is not kept: only the half-year ending on the day is judged on its link paediatrician.
    const link = r.standards.find((s) => s.id === 'link-paediatrician')!;
    expect(link.overTime.at(-1)!.hubs.every((h) => h.status === 'met')).toBe(true);
    expect(link.overTime[0].hubs.every((h) => h.status === 'no-data')).toBe(true);
  });

  it('refuses a date that is not real, and an unknown option, with the help', async () => {
    const bad = await runCli(['standards', '--json', '--at', '2026-02-30']);
    expect(bad.code).toBe(2);
    expect(bad.output).toContain('--at must be a real date, like 2026-03-31');
    const unknown = await runCli(['standards', '--pdf']);
    expect(unknown.code).toBe(2);
    expect(unknown.output).toContain('joinery standards [--json]');
  });
});
