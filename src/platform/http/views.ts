import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import nunjucks from 'nunjucks';
import { formatNhsNumber } from '../../children/nhs-number.js';
import { ROLES } from '../access/roles.js';

const require = createRequire(import.meta.url);
export const SRC_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const NHSUK_DIR = path.dirname(require.resolve('nhsuk-frontend/package.json'));

const london = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', day: 'numeric', month: 'long', year: 'numeric' });
const londonTime = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit',
});

/** Templates are named from src/ (e.g. 'children/views/summary.njk'); nhsuk-frontend macros from its dist. */
export function createViews() {
  const env = new nunjucks.Environment(
    new nunjucks.FileSystemLoader([path.join(NHSUK_DIR, 'dist'), SRC_DIR], { noCache: false }),
    { autoescape: true, throwOnUndefined: false },
  );
  env.addFilter('nhsNumber', (n: string | null) => (n ? formatNhsNumber(n) : 'Not known'));
  // Dates are stored in UTC and shown in Europe/London.
  env.addFilter('date', (d: string | Date | null) => (d ? london.format(typeof d === 'string' ? new Date(d) : d) : ''));
  env.addFilter('dateTime', (d: string | Date | null) => (d ? londonTime.format(typeof d === 'string' ? new Date(d) : d) : ''));
  env.addFilter('roleName', (r: string) => (ROLES as Record<string, string>)[r] ?? r);
  return env;
}
