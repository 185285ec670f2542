import type { Config } from '../platform/config.js';
import { connect } from '../platform/db/connect.js';
import { migrate } from '../platform/db/migrate.js';
import { generateIcs } from '../synth/generate.js';
import { progressBar } from './progress.js';

export async function synthCommand(config: Config, flags: { children: number; seed: number; ics?: string }, log: (line: string) => void = console.log): Promise<number> {
  const db = await connect(config);
  try {
    await migrate(db);
    const icsName = flags.ics ?? `Synthetic ICS ${flags.seed}`;
    const result = await generateIcs(db, {
      children: flags.children,
      seed: flags.seed,
      icsName,
      demoEmailDomain: `${slug(icsName)}.joinery.test`,
      onProgress: progressBar('Generating'),
    });
    const total = Object.values(result.counts).reduce((a, b) => a + b, 0);
    log(`Generated ${icsName} (${result.icsCode}) on ${db.kind} in ${result.seconds.toFixed(1)} s: ` +
      `${total.toLocaleString('en-GB')} rows, ${Math.round(total / result.seconds).toLocaleString('en-GB')} rows/s`);
    for (const [table, n] of Object.entries(result.counts)) log(`  ${table.padEnd(24)} ${n.toLocaleString('en-GB')}`);
    return 0;
  } finally {
    await db.close();
  }
}

export const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'ics';
