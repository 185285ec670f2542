import { parseArgs } from 'node:util';
import type { Config } from '../platform/config.js';
import type { Output } from './output.js';
import { londonToday } from '../platform/time/form-dates.js';
import { standardsOfIcs } from '../models/service.js';
import { withIcs } from './client-add.js';

export const STANDARDS_HELP =
  'joinery standards [--json] [--over-time] [--at YYYY-MM-DD] [--ics CODE]\n\n' +
  '  The Facing the Future child health standards measured from Joinery\'s data, per hub, for the twelve months\n' +
  '  before the day (today unless --at): the same figures as the standards page, counts of 1 to 7 children withheld.\n' +
  '  --json      print {"standards": [{"id", "title", "hubs": [{"hub", "status", "figure", "unit", "period"}]}]};\n' +
  '              status is met, partly, not-met, no-data (no data, or fewer than 8 children) or attested\n' +
  '  --over-time each standard also gives "overTime": [{"period", "hubs": [...]}], every half-year of the\n' +
  '              five years before the day, oldest first, as the page charts it\n' +
  '  --at DATE   measure up to this day instead of today\n' +
  '  --ics CODE  the ICS (needed when there is more than one)';

/** `joinery standards`: each standard per hub, as a table or JSON. */
export async function standardsCommand(config: Config, args: string[], io: Output): Promise<number> {
  let flags: { ics?: string; json?: boolean; at?: string; 'over-time'?: boolean };
  try {
    ({ values: flags } = parseArgs({ args, options: { ics: { type: 'string' }, json: { type: 'boolean' }, 'over-time': { type: 'boolean' }, at: { type: 'string' } }, strict: true, allowPositionals: false }));
  } catch (error) {
    io.err(`${error instanceof Error ? error.message : String(error)}\n\n${STANDARDS_HELP}`);
    return 2;
  }
  if (flags.ics !== undefined && !/^[A-Za-z0-9-]{1,40}$/.test(flags.ics)) {
    io.err(`--ics must be an ICS code, like QWE\n\n${STANDARDS_HELP}`);
    return 2;
  }
  if (flags.at !== undefined && (!/^\d{4}-\d{2}-\d{2}$/.test(flags.at) || new Date(`${flags.at}T00:00:00Z`).toISOString().slice(0, 10) !== flags.at)) {
    io.err(`--at must be a real date, like 2026-03-31\n\n${STANDARDS_HELP}`);
    return 2;
  }
  const today = flags.at ?? londonToday();
  return withIcs(config, flags.ics, io, async (db, ics) => {
    const report = await db.tenant(ics.id, (tx) => standardsOfIcs(tx, ics.id, today, { overTime: flags['over-time'] }));
    if (flags.json) {
      io.out(JSON.stringify(report, null, 2));
      return 0;
    }
    for (const s of report.standards) {
      io.out(s.title);
      const said = (h: (typeof s.hubs)[number]) => `${h.status}${h.figure !== null ? ` (${h.figure}${h.unit.startsWith('%') ? '%' : ''})` : ''}`;
      for (const h of s.hubs) io.out(`  ${h.hub}: ${said(h)}`);
      for (const p of s.overTime ?? []) io.out(`    ${p.period}: ${p.hubs.map((h) => `${h.hub} ${said(h)}`).join('; ')}`);
    }
    return 0;
  });
}
