import { z } from 'zod';

/**
 * An advice page as the ICS keeps it, imports and exports it (issue 18):
 * a condition for children within an age range, split into age bands, each
 * with red (emergency now), amber (get help today) and green (care at home)
 * criteria and what to do for each. Checked whole on every save and import,
 * so a page that could mislead a family (no red criteria, an age with no
 * band, two bands for one age) never reaches the library (H034, H036).
 */

/** What a family can be told to do, shown as a link on their page. */
export const ACTIONS = ['999', 'emergency-department', '111', 'practice', 'pharmacy'] as const;
export type AdviceAction = (typeof ACTIONS)[number];

export const ACTION_WORDS: Record<AdviceAction, string> = {
  '999': 'Call 999',
  'emergency-department': 'Go to the nearest A&E (emergency department)',
  '111': 'Call NHS 111 or go to 111.nhs.uk',
  practice: 'Call your GP practice',
  pharmacy: 'Ask a pharmacist',
};

/** A criterion or sentence of advice: one line of plain text, no hidden characters. */
const line = (what: string) => z.string({ error: `Each ${what} must be text` }).trim()
  .min(1, `A ${what} must not be empty`).max(400, `A ${what} must be 400 characters or fewer`)
  .refine((v) => ![...v].some((c) => c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127), `A ${what} must be one line with no hidden characters`);

const isoDate = (what: string) => z.string({ error: `Give ${what} as YYYY-MM-DD` })
  .regex(/^\d{4}-\d{2}-\d{2}$/, `Give ${what} as YYYY-MM-DD`)
  .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), `${what} is not a real date`);

const months = (what: string) => z.number({ error: `${what} must be a number of months` }).int(`${what} must be whole months`)
  .min(0, `${what} must be 0 or more`).max(216, `${what} must be 216 (18 years) or less`);

const actionList = (colour: string) => z.array(z.enum(ACTIONS, { error: `Each ${colour} action must be one of ${ACTIONS.join(', ')}` }));

export const ageBandShape = z.object({
  fromMonths: months('fromMonths'),
  toMonths: months('toMonths'),
  // A band with no red criteria would leave a family with no sign of when to call 999 (H036).
  red: z.array(line('red criterion'), { error: 'red must be a list of criteria' }).min(1, 'Every age band needs at least one red criterion'),
  amber: z.array(line('amber criterion'), { error: 'amber must be a list of criteria' }).min(1, 'Every age band needs at least one amber criterion'),
  green: z.array(line('green criterion'), { error: 'green must be a list of criteria' }).min(1, 'Every age band needs at least one green criterion'),
  actions: z.object({
    red: actionList('red').min(1, 'Say what to do for red: 999 or emergency-department'),
    amber: actionList('amber').min(1, 'Say what to do for amber: 111 or practice'),
    green: actionList('green').default([]),
  }, { error: 'actions must say what to do for red, amber and green' }),
  atHome: z.array(line('home care step')).default([]),
  whatToExpect: z.string().trim().max(1000, 'whatToExpect must be 1000 characters or fewer').default(''),
  seekHelpAgain: z.string().trim().max(1000, 'seekHelpAgain must be 1000 characters or fewer').default(''),
}).refine((b) => b.toMonths > b.fromMonths, { message: 'toMonths must be after fromMonths', path: ['toMonths'] });

export type AgeBand = z.infer<typeof ageBandShape>;

const approvalFields = {
  approvedBy: z.string().trim().min(1, 'approvedBy must not be empty').max(200).nullable().default(null),
  approvedOn: isoDate('approvedOn').nullable().default(null),
  reviewBy: isoDate('reviewBy').nullable().default(null),
};

export const pageShape = z.object({
  id: z.string({ error: 'Every page needs an id' }).regex(/^[a-z0-9][a-z0-9-]{0,59}$/, 'id must be lower-case letters, digits and hyphens, up to 60'),
  title: z.string({ error: 'Every page needs a title' }).trim().min(1, 'title must not be empty').max(120, 'title must be 120 characters or fewer'),
  condition: z.string({ error: 'Every page needs a condition' }).trim().min(1, 'condition must not be empty').max(120),
  version: z.number().int().min(1).optional(),
  author: z.string({ error: 'Every page needs an author' }).trim().min(1, 'author must not be empty').max(200),
  ...approvalFields,
  /** Demonstration content: an ICS must have its own clinicians approve it before use. */
  demonstration: z.boolean().default(false),
  ageBands: z.array(ageBandShape, { error: 'ageBands must be a list' }).min(1, 'A page needs at least one age band'),
  sources: z.array(line('source'), { error: 'sources must be a list' }).min(1, 'Name at least one source the advice comes from'),
}).superRefine((page, ctx) => {
  for (const problem of bandProblems(page.ageBands)) ctx.addIssue({ code: 'custom', message: problem.message, path: ['ageBands', problem.band, 'fromMonths'] });
  const approval = [page.approvedBy, page.approvedOn, page.reviewBy];
  if (approval.some((a) => a !== null) && approval.some((a) => a === null)) {
    ctx.addIssue({ code: 'custom', message: 'An approved page needs approvedBy, approvedOn and reviewBy together (or none of them, for a draft)', path: ['approvedBy'] });
  }
  if (page.approvedOn && page.reviewBy && page.reviewBy <= page.approvedOn) {
    ctx.addIssue({ code: 'custom', message: 'reviewBy must be after approvedOn', path: ['reviewBy'] });
  }
});

export type AdvicePage = z.infer<typeof pageShape>;
export type AdvicePageInput = z.input<typeof pageShape>;

export const libraryShape = z.object({
  pages: z.array(pageShape, { error: 'pages must be a list' }),
}, { error: 'The file must be a JSON object with a "pages" list' }).superRefine((library, ctx) => {
  const seen = new Set<string>();
  library.pages.forEach((p, i) => {
    if (seen.has(p.id)) ctx.addIssue({ code: 'custom', message: `The id ${p.id} is used by more than one page`, path: ['pages', i, 'id'] });
    seen.add(p.id);
  });
});

export type Library = z.infer<typeof libraryShape>;

/**
 * Bands in order must meet end to start: the first from the page's lowest
 * age, each `toMonths` the next one's `fromMonths`. An overlap would offer
 * two pieces of advice for one age; a gap, none (H034).
 */
export function bandProblems(bands: readonly { fromMonths: number; toMonths: number }[]): { band: number; message: string }[] {
  const order = bands.map((b, i) => ({ ...b, i })).sort((a, b) => a.fromMonths - b.fromMonths);
  const problems: { band: number; message: string }[] = [];
  for (let k = 1; k < order.length; k++) {
    const before = order[k - 1];
    const band = order[k];
    if (band.fromMonths < before.toMonths) problems.push({ band: band.i, message: `Age bands overlap: ${span(before)} and ${span(band)}` });
    else if (band.fromMonths > before.toMonths) problems.push({ band: band.i, message: `Age bands leave a gap from ${before.toMonths} to ${band.fromMonths} months` });
  }
  return problems;
}

const span = (b: { fromMonths: number; toMonths: number }) => `${b.fromMonths} to ${b.toMonths} months`;

/** The band for a child this many whole months old: from `fromMonths` up to but not including `toMonths`. */
export function bandFor<B extends { fromMonths: number; toMonths: number }>(bands: readonly B[], ageMonths: number): B | undefined {
  return bands.find((b) => ageMonths >= b.fromMonths && ageMonths < b.toMonths);
}

/** A child's age in whole months on a day (both ISO dates): a month is complete on the same day of the month as the birth. */
export function ageInMonths(dateOfBirth: string, on: string): number {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number);
  const [ty, tm, td] = on.split('-').map(Number);
  return (ty - by) * 12 + (tm - bm) - (td < bd ? 1 : 0);
}

/** "0 to 3 months", "1 to 5 years", for editors and families. */
export function bandWords(b: { fromMonths: number; toMonths: number }): string {
  const years = b.fromMonths % 12 === 0 && b.toMonths % 12 === 0 && b.fromMonths >= 12;
  if (years) return `${b.fromMonths / 12} to ${b.toMonths / 12} years`;
  if (b.toMonths <= 24) return `${b.fromMonths} to ${b.toMonths} months`;
  return `${b.fromMonths} months to ${Math.floor(b.toMonths / 12)} years`;
}

/** Who a band is for, as a family reads it after "This advice is for a child": "under 3 months", "aged 1 to 18 years". */
export function forAgeWords(b: { fromMonths: number; toMonths: number }): string {
  if (b.fromMonths > 0) return `aged ${bandWords(b)}`;
  return b.toMonths > 24 && b.toMonths % 12 === 0 ? `under ${b.toMonths / 12} years old` : `under ${b.toMonths} months old`;
}

/**
 * Why a file or form will not do, one reason a line, naming where: the page
 * (by its id when it has one) and the field, e.g.
 * "pages[2] (fever) ageBands[0].red: Every age band needs at least one red criterion".
 */
export function reasons(error: z.ZodError, input: unknown): string[] {
  const pages = (input as { pages?: unknown[] } | undefined)?.pages;
  return error.issues.map((issue) => {
    const [first, index, ...rest] = issue.path;
    if (first === 'pages' && typeof index === 'number') {
      const id = (pages?.[index] as { id?: unknown } | undefined)?.id;
      const where = `pages[${index}]${typeof id === 'string' ? ` (${id})` : ''}`;
      return `${where}${rest.length ? ` ${pathWords(rest)}` : ''}: ${issue.message}`;
    }
    return `${issue.path.length ? `${pathWords(issue.path)}: ` : ''}${issue.message}`;
  });
}

function pathWords(path: PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');
}
