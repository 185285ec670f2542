import { z } from 'zod';
import { spc } from '../population/service.js';
import { readJsonInput } from './json-stdin.js';

type Output = { out: (l: string) => void; err: (l: string) => void };

const finiteNumber = (what: string) => z.number({ error: `${what} must be a number` }).finite(`${what} must be a finite number`);
const spcInput = z.object({
  values: z.array(finiteNumber('each value'), { error: (i) => `values ${i.input === undefined ? 'is required' : 'must be'}: a list of numbers, e.g. "values": [12, 15, 11]` })
    .min(1, 'values must hold at least one number'),
  improvement: z.enum(['increase', 'decrease', 'neutral'], {
    error: (i) => `improvement ${i.input === undefined ? 'is required' : 'must be'}: "increase", "decrease" or "neutral" (which way is better)`,
  }),
  target: finiteNumber('target').nullish(),
  fixAfterPoints: z.number({ error: 'fixAfterPoints must be a whole number' }).int('fixAfterPoints must be a whole number')
    .min(1, 'fixAfterPoints must be at least 1').nullish(),
  rebaseAt: z.array(z.number().int('each rebaseAt must be a whole number (a point\'s index, from 0)'), { error: 'rebaseAt must be a list of point indexes, e.g. [12, 24]' }).nullish(),
  screenOutliers: z.boolean({ error: 'screenOutliers must be true or false' }).nullish(),
}, { error: 'the input must be a JSON object, e.g. {"values": [12, 15, 11], "improvement": "decrease"}' });
const fields: readonly string[] = Object.keys(spcInput.shape);

/** `joinery spc`: the SPC (XmR) analysis of one series, read as JSON on standard input and printed as JSON. */
export async function spcCommand(io: Output, readInput?: () => Promise<string>): Promise<number> {
  const read = await readJsonInput('joinery spc < series.json', readInput);
  if (!read.ok) {
    io.err(read.error);
    return 2;
  }
  const json = read.json;
  const parsed = spcInput.safeParse(json);
  if (!parsed.success) {
    io.err(parsed.error.issues.map(describe).join('\n'));
    return 2;
  }
  const input = parsed.data;
  let result: ReturnType<typeof spc>;
  try {
    result = spc(input.values, {
      improvement: input.improvement,
      target: input.target ?? undefined,
      fixAfterPoints: input.fixAfterPoints ?? undefined,
      rebaseAt: input.rebaseAt ?? undefined,
      screenOutliers: input.screenOutliers ?? undefined,
    });
  } catch (error) {
    // The library owns the rebase-index rule (see spc()); here it is only reported.
    if (!(error instanceof RangeError)) throw error;
    io.err(error.message);
    return 2;
  }
  // Unknown fields are ignored, but said, so a misspelt option is not silently lost.
  const unknown = Object.keys(json as object).filter((k) => !fields.includes(k));
  if (unknown.length) result.warnings.push(`Ignored unknown field${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}.`);
  io.out(JSON.stringify(result));
  return 0;
}

function describe(issue: z.core.$ZodIssue): string {
  const [field, index] = issue.path;
  if (field === 'values' && typeof index === 'number') return `values[${index}]: ${issue.message.replace('each value ', '')}`;
  return issue.message;
}
