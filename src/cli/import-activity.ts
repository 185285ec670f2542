import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { Config } from '../platform/config.js';
import type { Output } from './output.js';
import { ActivityFileError, DEFAULT_SOURCE, importActivity, readActivityHeader, rejectFileFor } from '../population/service.js';
import { withIcs } from './client-add.js';
import { progressBar } from './progress.js';

export const IMPORT_ACTIVITY_HELP =
  'joinery import activity FILE.csv [--ics CODE] [--source URI]\n\n' +
  '  Imports activity (ED attendances, admissions, outpatient attendances, GP, community and mental health contacts,\n' +
  '  prescriptions) from a CSV with a header row, one row an event (docs/activity-csv.md has the columns), with a progress\n' +
  '  bar and a summary (added, unchanged, rejected), and updates the monthly rollups. Rows are written in batches, each\n' +
  '  in one transaction with its rollups: importing the same file again adds nothing, and a rerun after a crash completes it.\n' +
  '  Rejected rows go to FILE.rejects.csv with their line numbers and reasons.\n' +
  '  --ics CODE     the ICS to import into (needed when there is more than one)\n' +
  `  --source URI   the sender's namespace for source_id (default ${DEFAULT_SOURCE}): the same id from two senders is two events\n` +
  '  Exits 0 when every row was taken, 1 when some were rejected, 2 when the file or the options will not do.';

const flagsSchema = z.object({
  file: z.string({ error: 'Give one CSV file to import' }).min(1, 'Give one CSV file to import'),
  ics: z.string().trim().min(1).max(40).optional(),
  source: z.string().trim().min(1, '--source must not be empty').max(200, '--source must be 200 characters or fewer').optional(),
});

const count = (n: number) => n.toLocaleString('en-GB');

/** `joinery import activity FILE.csv`: checks the header before opening the database, imports, prints the summary. */
export async function importActivityCommand(config: Config, args: string[], io: Output): Promise<number> {
  const parse = () => parseArgs({ args, allowPositionals: true, options: { ics: { type: 'string' }, source: { type: 'string' } } });
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse();
  } catch (e) {
    io.err(`${(e as Error).message}\n\n${IMPORT_ACTIVITY_HELP}`);
    return 2;
  }
  const flags = flagsSchema.safeParse({ ...parsed.values, file: parsed.positionals.length === 1 ? parsed.positionals[0] : undefined });
  if (!flags.success) {
    io.err(`${flags.error.issues.map((i) => i.message).join('\n')}\n\n${IMPORT_ACTIVITY_HELP}`);
    return 2;
  }
  const { file, ics: icsCode, source } = flags.data;
  try {
    await readActivityHeader(file);
  } catch (e) {
    if (!(e instanceof ActivityFileError)) throw e;
    io.err(e.message);
    return 2;
  }

  return withIcs(config, icsCode, io, async (db, ics) => {
    let s;
    try {
      s = await importActivity(db, ics.id, file, { source, onProgress: progressBar('Importing') });
    } catch (e) {
      if (!(e instanceof ActivityFileError)) throw e;
      io.err(e.message);
      return 2;
    }
    io.out(`Imported ${file} into ${ics.code} in ${s.seconds.toFixed(1)} s: ${count(s.rows)} row${s.rows === 1 ? '' : 's'}` +
      ` (${count(Math.round(s.rows / Math.max(s.seconds, 0.001)))} rows/s)`);
    io.out(`  added      ${count(s.added)}`);
    io.out(`  unchanged  ${count(s.unchanged)}${s.unchanged ? ` (already imported from ${source ?? DEFAULT_SOURCE})` : ''}`);
    io.out(`  rejected   ${count(s.rejected)}${s.rejected ? ` (line, reason and the row in ${s.rejectFile ?? rejectFileFor(file)})` : ''}`);
    for (const r of s.rejects.slice(0, 20)) io.out(`    line ${r.line}: ${r.reasons.join('; ')}`);
    if (s.rejected > 20) io.out(`    … and ${count(s.rejected - 20)} more`);
    io.out(s.months
      ? `  rollups    ${s.months.from.slice(0, 7)} to ${s.months.to.slice(0, 7)} rewritten in ${s.rollupSeconds.toFixed(1)} s`
      : '  rollups    nothing added, so none rewritten');
    return s.rejected ? 1 : 0;
  });
}
