import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import nunjucks from 'nunjucks';
import { formatNhsNumber } from '../identity/nhs-number.js';
import { actorRoleName } from '../access/actor.js';
import { typedTextHtml } from './typed-text.js';

const require = createRequire(import.meta.url);
export const SRC_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const NHSUK_DIR = path.dirname(require.resolve('nhsuk-frontend/package.json'));

const london = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', day: 'numeric', month: 'long', year: 'numeric' });
const londonTime = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit',
});

type Exported = Record<string, unknown>;
type Callback = (err: Error | null, exported?: Exported) => void;
const exportsByTemplate = new WeakMap<object, Exported>();

/**
 * nhsuk-frontend's component templates `{% from … import %}` their helper
 * macros on every call, and nunjucks re-runs the imported template each time:
 * most of a page's render time. Imported without a context, a template's
 * exports never differ, so they are kept after the first import.
 */
function keepImportedMacros() {
  const proto = (nunjucks as unknown as { Template: { prototype: { getExported: (...args: unknown[]) => unknown } } }).Template.prototype;
  const original = proto.getExported;
  if ((original as { kept?: boolean }).kept) return;
  const kept = function (this: object, ctx: unknown, parentFrame: unknown, cb: unknown) {
    if (typeof ctx !== 'function' || parentFrame !== undefined) return original.call(this, ctx, parentFrame, cb);
    const done = ctx as Callback;
    const hit = exportsByTemplate.get(this);
    if (hit) return done(null, hit);
    return original.call(this, (err: Error | null, exported?: Exported) => {
      if (!err && exported) exportsByTemplate.set(this, exported);
      done(err, exported);
    });
  };
  (kept as { kept?: boolean }).kept = true;
  proto.getExported = kept;
}

/** Templates are named from src/ (e.g. 'children/views/summary.njk'); nhsuk-frontend macros from its dist. */
export function createViews() {
  keepImportedMacros();
  const env = new nunjucks.Environment(
    new nunjucks.FileSystemLoader([path.join(NHSUK_DIR, 'dist'), SRC_DIR], { noCache: false }),
    { autoescape: true, throwOnUndefined: false },
  );
  // nunjucks' own trim uses /^\s*|\s*$/, quadratic on the long HTML blocks nhsuk-frontend trims: most of a table's render.
  const runtime = (nunjucks as unknown as { runtime: { copySafeness: (from: unknown, to: string) => unknown; markSafe: (s: string) => unknown } }).runtime;
  env.addFilter('trim', (value: unknown) => runtime.copySafeness(value, String(value ?? '').trim()));
  env.addFilter('nhsNumber', (n: string | null) => (n ? formatNhsNumber(n) : 'Not known'));
  // Dates are stored in UTC and shown in Europe/London.
  env.addFilter('date', (d: string | Date | null) => (d ? london.format(typeof d === 'string' ? new Date(d) : d) : ''));
  env.addFilter('dateTime', (d: string | Date | null) => (d ? londonTime.format(typeof d === 'string' ? new Date(d) : d) : ''));
  // Typed text with its line breaks kept; safe because typedTextHtml escapes before adding <br>.
  env.addFilter('typedText', (t: string | null | undefined) => runtime.markSafe(typedTextHtml(t)));
  env.addFilter('roleName', actorRoleName);
  return env;
}
