import { z } from 'zod';
import { readJson } from '../platform/data-files.js';

/**
 * The national PEWS chart as data (data/pews-chart.json): every threshold the
 * score uses, the chart's name and version, its sources and the caveat that
 * it was validated for inpatients. Checked on load, so a mistyped band fails
 * at start-up rather than scoring a child wrongly.
 */

export const LEVELS = ['none', 'low', 'medium', 'high', 'emergency'] as const;
export type Level = (typeof LEVELS)[number];
export const AGE_BANDS = ['0-11m', '1-4y', '5-12y', '13+y'] as const;
export type AgeBandId = (typeof AGE_BANDS)[number];

const score = z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(4)]);
export type Score = z.infer<typeof score>;
const band = z.object({ from: z.number().optional(), to: z.number().optional(), score }).strict();
export type Band = z.infer<typeof band>;

/** Bands run upwards without overlapping, open at the bottom and the top, so every value meets a band or falls between two. */
const bands = z.array(band).min(2).superRefine((list, ctx) => {
  if (list[0].from !== undefined || list.at(-1)!.to !== undefined) ctx.addIssue({ code: 'custom', message: 'the first band needs no "from" and the last no "to"' });
  list.forEach((b, i) => {
    const inner = i > 0 && i < list.length - 1;
    if (inner && (b.from === undefined || b.to === undefined)) ctx.addIssue({ code: 'custom', message: `band ${i} needs "from" and "to"` });
    if (b.from !== undefined && b.to !== undefined && b.from > b.to) ctx.addIssue({ code: 'custom', message: `band ${i} runs backwards` });
    if (i > 0 && !(list[i - 1].to! < b.from!)) ctx.addIssue({ code: 'custom', message: `band ${i} overlaps the one below` });
  });
});
const level = z.enum(LEVELS);
const signs = z.array(z.string()).min(1);

const chartShape = z.object({
  chart: z.object({ id: z.string(), name: z.string(), publisher: z.string(), version: z.string(), validatedFor: z.string(), caveat: z.string() }),
  source: z.array(z.object({ title: z.string(), where: z.string(), used: z.string() })).min(1),
  ageBands: z.array(z.object({
    id: z.enum(AGE_BANDS), label: z.string(), fromYears: z.number().int().min(0),
    respiratoryRate: bands, heartRate: bands, systolicBP: bands,
    respiratoryDistressSigns: z.object({ mild: signs, moderate: signs, severe: signs }),
  })).length(AGE_BANDS.length),
  spo2: bands,
  capillaryRefillSeconds: bands,
  respiratoryDistress: z.object({ none: score, mild: score, moderate: score, severe: score }),
  oxygen: z.object({
    devices: z.record(z.string(), z.object({ code: z.string(), label: z.string(), scores: z.union([z.literal('air'), z.literal('level'), score]) })),
    litresPerMinute: bands,
    fio2Percent: bands,
  }),
  escalation: z.object({
    levels: z.array(level),
    byScore: z.array(z.object({ from: z.number().int().min(1), level })).min(1),
    carerWorseDefault: level,
    suspectedSepsis: level,
    suspectedSepticShock: level,
    abnormalPupils: level,
    avpu: z.object({ A: level, V: level, P: level, U: level }),
    temperature: z.object({ sepsisAtOrAbove: z.number(), sepsisBelow: z.number(), level }),
  }),
});
export type PewsChart = z.infer<typeof chartShape>;
export type AgeBand = PewsChart['ageBands'][number];

let chart: PewsChart | undefined;

/** The chart, read once from data/pews-chart.json. */
export function pewsChart(): PewsChart {
  chart ??= checkPewsChart(readJson('pews-chart.json'));
  return chart;
}

/** Checks a chart file's shape and that its bands run upwards without overlapping; throws naming the place. */
export function checkPewsChart(json: unknown): PewsChart {
  const parsed = chartShape.safeParse(json);
  if (!parsed.success) throw new Error(`data/pews-chart.json: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const bandsInOrder = parsed.data.ageBands.every((b, i) => b.id === AGE_BANDS[i] && (i === 0 ? b.fromYears === 0 : b.fromYears > parsed.data.ageBands[i - 1].fromYears));
  if (!bandsInOrder) throw new Error(`data/pews-chart.json: age bands must be ${AGE_BANDS.join(', ')} in order, the first from 0 years`);
  return parsed.data;
}

/**
 * The score for a value on a chart row. A value between two bands (49.995
 * where one band ends at 49.99 and the next starts at 50) takes the higher of
 * the two scores, as the national specification requires.
 */
export function scoreOnBands(value: number, rows: readonly Band[]): Score {
  for (let i = 0; i < rows.length; i++) {
    const b = rows[i];
    if (b.from !== undefined && value < b.from) return Math.max(b.score, rows[i - 1].score) as Score;
    if (b.to === undefined || value <= b.to) return b.score;
  }
  return rows[rows.length - 1].score; // not reached: the last band is open at the top (checked on load)
}
