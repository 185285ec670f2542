/**
 * PEWS scoring throughput: how many sets of observations a second the engine
 * checks, scores and escalates (what a virtual ward's feed or `joinery pews`
 * does for each set). Synthetic sets across all four age bands, drawn with a
 * fixed seed. No database. Run alone with
 *   npx tsx bench/pews.ts
 */
import { pathToFileURL } from 'node:url';
import { readObservationSet } from '../src/ambulatory/observation-set.js';
import { assessPews } from '../src/ambulatory/pews.js';

export type PewsBenchResult = { sets: number; checkedPerSecond: number; scoredPerSecond: number };

/** A small linear congruential generator: the same sets every run. */
function seeded(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

export async function pewsBench(opts: { sets?: number; log?: (line: string) => void } = {}): Promise<PewsBenchResult> {
  const { sets = 50_000, log = console.log } = opts;
  const random = seeded(17);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
  const raw = Array.from({ length: sets }, () => ({
    dateOfBirth: `${2008 + Math.floor(random() * 18)}-0${1 + Math.floor(random() * 9)}-1${Math.floor(random() * 9)}`,
    observedAt: '2026-06-15T09:00:00Z',
    respiratoryRate: Math.round(10 + random() * 60), heartRate: Math.round(50 + random() * 150), systolicBP: Math.round(60 + random() * 80),
    spo2: Math.round(88 + random() * 12), oxygen: pick([{ device: 'none' }, { device: 'nasal-prongs', litresPerMinute: 1 }, { device: 'high-flow' }]),
    respiratoryDistress: pick(['none', 'mild', 'moderate', 'severe']), capillaryRefillSeconds: pick([1, 2, 3]),
    temperature: 35.5 + Math.round(random() * 40) / 10, avpu: pick(['A', 'A', 'A', 'V']), carer: pick(['same', 'better', 'worse']),
  }));

  let started = performance.now();
  const checked = raw.map((r) => {
    const read = readObservationSet(r);
    if (!read.ok) throw new Error(`bench data refused: ${read.errors.join('; ')}`);
    return read.value;
  });
  const checkSeconds = (performance.now() - started) / 1000;
  started = performance.now();
  let escalated = 0;
  for (const set of checked) if (assessPews(set).escalation !== 'none') escalated++;
  const scoreSeconds = (performance.now() - started) / 1000;

  const result = { sets, checkedPerSecond: Math.round(sets / checkSeconds), scoredPerSecond: Math.round(sets / scoreSeconds) };
  log(`\nPEWS: ${sets.toLocaleString('en-GB')} sets of observations, ${escalated.toLocaleString('en-GB')} escalated`);
  log(`  check input        ${result.checkedPerSecond.toLocaleString('en-GB').padStart(12)} sets/s`);
  log(`  score + escalate   ${result.scoredPerSecond.toLocaleString('en-GB').padStart(12)} sets/s`);
  return result;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await pewsBench();
