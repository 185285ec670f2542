import fs from 'node:fs';
import { parseArgs } from 'node:util';
import type { Config } from '../platform/config.js';
import type { Output } from './output.js';
import { exportLibrary, importLibrary, LibraryFileError, parseLibrary } from '../advice/service.js';
import { withIcs } from './client-add.js';

export const ADVICE_HELP =
  'joinery advice export [--ics CODE]\n\n' +
  '  Prints the ICS\'s advice library as JSON: {"pages": [{"id", "title", "condition", "version", "author", "approvedBy",\n' +
  '  "approvedOn", "reviewBy", "demonstration", "ageBands": [{"fromMonths", "toMonths", "red", "amber", "green", "actions",\n' +
  '  "atHome", "whatToExpect", "seekHelpAgain"}], "sources"}]}, the latest version of each page.\n\n' +
  'joinery advice import FILE [--ics CODE]\n\n' +
  '  Loads a library in the same format. Each page that differs from the ICS\'s latest version is saved as its next version\n' +
  '  (earlier versions are kept); an identical page is left alone. The whole file is checked first: every age band needs\n' +
  '  a red criterion, bands must meet without gaps or overlaps, reviewBy must be after approvedOn. A file with any problem\n' +
  '  is refused with every reason (page and field) and changes nothing.\n' +
  '  --ics CODE   the ICS (needed when there is more than one)\n' +
  '  Exits 0 when loaded, 1 when the file was refused, 2 when the file or the options will not do.';

/** Where JSON.parse stopped, as a line and column a person can find. */
function syntaxError(text: string, error: Error): string {
  const at = /position (\d+)/.exec(error.message);
  if (!at) return error.message;
  const before = text.slice(0, Number(at[1]));
  const line = before.split('\n').length;
  return `line ${line}, column ${Number(at[1]) - before.lastIndexOf('\n')}: ${error.message.replace(/ in JSON at position \d+.*$/, '')}`;
}

/** `joinery advice export` and `joinery advice import FILE`. */
export async function adviceCommand(config: Config, args: string[], io: Output): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, strict: true, options: { ics: { type: 'string' } } });
  } catch (e) {
    io.err(`${(e as Error).message}\n\n${ADVICE_HELP}`);
    return 2;
  }
  const [sub, ...files] = parsed.positionals;
  const icsCode = parsed.values.ics;
  if (sub === 'export' && files.length === 0) {
    return withIcs(config, icsCode, io, async (db, ics) => {
      io.out(JSON.stringify(await db.tenant(ics.id, (tx) => exportLibrary(tx, ics.id)), null, 2));
      return 0;
    });
  }
  if (sub !== 'import' || files.length !== 1) {
    io.err(`${sub === 'import' ? 'Give one JSON file to import' : `Unknown advice command '${sub ?? ''}': did you mean 'joinery advice export' or 'joinery advice import FILE'?`}\n\n${ADVICE_HELP}`);
    return 2;
  }
  const [file] = files;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    io.err(`Cannot read ${file}.`);
    return 2;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    io.err(`${file} is not valid JSON: ${syntaxError(text, e as Error)}. Nothing was imported.`);
    return 1;
  }
  try {
    // Checked before the database is opened: a refused file never waits on it.
    parseLibrary(json);
  } catch (e) {
    if (!(e instanceof LibraryFileError)) throw e;
    io.err(`${file} was refused; nothing was imported:\n${e.reasons.map((r) => `  ${r}`).join('\n')}`);
    return 1;
  }
  return withIcs(config, icsCode, io, async (db, ics) => {
    const summary = await db.tenant(ics.id, (tx) => importLibrary(tx, ics.id, json, { id: null, name: `Command line import of ${file.split(/[\\/]/).pop()}` }));
    for (const s of summary.saved) io.out(`saved      ${s.id} as version ${s.version}`);
    for (const id of summary.unchanged) io.out(`unchanged  ${id}`);
    io.out(`Imported into ${ics.code}: ${summary.saved.length} saved, ${summary.unchanged.length} unchanged.`);
    return 0;
  });
}
