import type { Config } from '../platform/config.js';
import { connect } from '../platform/db/connect.js';
import { migrate } from '../platform/db/migrate.js';
import { checkIntervention, generateIcs, type Intervention, InterventionError, loadInterventionFile } from '../synth/service.js';
import { parseIsoDate } from '../platform/time/calendar-days.js';
import { progressBar } from './progress.js';

type SynthFlags = { children: number; seed: number; ics?: string; intervention?: string };
type Io = { out: (line: string) => void; err: (line: string) => void };

export async function synthCommand(config: Config, flags: SynthFlags, io: Io = { out: console.log, err: console.error }): Promise<number> {
  // The intervention file is checked in full before the database is touched: a bad one writes nothing.
  let intervention: Intervention | undefined;
  if (flags.intervention !== undefined) {
    try {
      intervention = loadInterventionFile(flags.intervention);
      checkIntervention(intervention, flags.children, parseIsoDate(new Date().toISOString().slice(0, 10)));
    } catch (error) {
      if (!(error instanceof InterventionError)) throw error;
      io.err(`joinery synth: ${error.message}`);
      return 2;
    }
  }
  const db = await connect(config);
  try {
    await migrate(db);
    const icsName = flags.ics ?? `Synthetic ICS ${flags.seed}`;
    const result = await generateIcs(db, {
      children: flags.children,
      seed: flags.seed,
      icsName,
      demoEmailDomain: `${slug(icsName)}.joinery.test`,
      intervention,
      onProgress: progressBar('Generating'),
    });
    const total = Object.values(result.counts).reduce((a, b) => a + b, 0);
    io.out(`Generated ${icsName} (${result.icsCode}) on ${db.kind} in ${result.seconds.toFixed(1)} s: ` +
      `${total.toLocaleString('en-GB')} rows, ${Math.round(total / result.seconds).toLocaleString('en-GB')} rows/s`);
    if (result.intervention && intervention) {
      io.out(`Care model ${result.intervention.model} from ${intervention.start} (${intervention.rampMonths} months' ramp) in ` +
        `${result.intervention.clusters.length} cluster${result.intervention.clusters.length === 1 ? '' : 's'}: ` +
        result.intervention.clusters.map((c) => c.name).join(', '));
    }
    for (const [table, n] of Object.entries(result.counts)) io.out(`  ${table.padEnd(26)} ${n.toLocaleString('en-GB')}`);
    return 0;
  } finally {
    await db.close();
  }
}

export const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'ics';
