import { parseArgs } from 'node:util';
import type { Config } from '../platform/config.js';
import type { Output } from './output.js';
import { listIndicators } from '../population/service.js';
import { UNIT_WORDS, type Indicator } from '../population/index.js';
import { withIcs } from './client-add.js';

export const INDICATORS_HELP =
  'joinery indicators [--ics CODE] [--json]\n\n' +
  '  Lists the population indicators, built-in first and then the ICS\'s own: id, name, unit and which way is better.\n' +
  '  The id is what links and evaluations name an indicator by (ED attendances is ed-attendances).\n' +
  '  --ics CODE   the ICS (needed when there is more than one)\n' +
  '  --json       print every field of each indicator as JSON instead of a table';

const IMPROVEMENT_WORDS: Record<Indicator['improvement'], string> = { decrease: 'lower is better', increase: 'higher is better', neutral: 'neither' };

/** Columns padded to their widest cell, so the table lines up in a terminal. */
function table(head: string[], body: string[][]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)];
}

/** `joinery indicators`: one line per indicator of the chosen ICS, or JSON with --json. */
export async function indicatorsCommand(config: Config, args: string[], io: Output): Promise<number> {
  let flags: { ics?: string; json?: boolean };
  try {
    ({ values: flags } = parseArgs({ args, options: { ics: { type: 'string' }, json: { type: 'boolean' } }, strict: true, allowPositionals: false }));
  } catch (error) {
    io.err(`${error instanceof Error ? error.message : String(error)}\n\n${INDICATORS_HELP}`);
    return 2;
  }
  if (flags.ics !== undefined && !/^[A-Za-z0-9-]{1,40}$/.test(flags.ics)) {
    io.err(`--ics must be an ICS code, like QWE\n\n${INDICATORS_HELP}`);
    return 2;
  }
  return withIcs(config, flags.ics, io, async (db, ics) => {
    const indicators = await db.tenant(ics.id, (tx) => listIndicators(tx, ics.id));
    if (flags.json) {
      io.out(JSON.stringify(indicators, null, 2));
      return 0;
    }
    const rows = indicators.map((i) => [i.id, i.name, UNIT_WORDS[i.unit] === '%' ? 'percent' : UNIT_WORDS[i.unit], IMPROVEMENT_WORDS[i.improvement]]);
    for (const line of table(['ID', 'NAME', 'UNIT', 'IMPROVEMENT'], rows)) io.out(line);
    return 0;
  });
}
