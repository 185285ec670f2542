import { ageBandOn } from './age-band.js';
import type { ObservationSet, Oxygen } from './observation-set.js';
import { pewsChart, scoreOnBands, type AgeBandId, type Score } from './pews-chart.js';

/**
 * The PEWS score of one set of observations on the national chart for the
 * child's age: each scored observation given adds its 0, 1, 2 or 4; one not
 * given adds nothing and is named as missing, so a partial set is never
 * mistaken for a reassuring one. Temperature and AVPU are triggers, not
 * scores (escalation.ts); they are still named when missing.
 */

export const SCORED = ['respiratoryRate', 'heartRate', 'systolicBP', 'spo2', 'oxygen', 'respiratoryDistress', 'capillaryRefill'] as const;
export type Scored = (typeof SCORED)[number];
/** Observations on the chart that trigger escalation without adding to the score. */
const TRIGGERS = ['temperature', 'avpu', 'carer'] as const;

export type PewsScore = {
  ageBand: AgeBandId;
  score: number;
  parameters: Partial<Record<Scored, Score>>;
  missing: string[];
  /** What the clinician should know about how a parameter was scored (an assumption made). */
  notes: string[];
};

export function pewsScore(obs: ObservationSet): PewsScore {
  const chart = pewsChart();
  const band = ageBandOn(obs.dateOfBirth, obs.observedAtMs);
  const parameters: PewsScore['parameters'] = {};
  const notes: string[] = [];
  if (obs.respiratoryRate !== undefined) parameters.respiratoryRate = scoreOnBands(obs.respiratoryRate, band.respiratoryRate);
  if (obs.heartRate !== undefined) parameters.heartRate = scoreOnBands(obs.heartRate, band.heartRate);
  if (obs.systolicBP !== undefined) parameters.systolicBP = scoreOnBands(obs.systolicBP, band.systolicBP);
  if (obs.spo2 !== undefined) parameters.spo2 = scoreOnBands(obs.spo2, chart.spo2);
  if (obs.oxygen !== undefined) parameters.oxygen = oxygenScore(obs.oxygen, notes);
  if (obs.respiratoryDistress !== undefined) parameters.respiratoryDistress = chart.respiratoryDistress[obs.respiratoryDistress];
  if (obs.capillaryRefillSeconds !== undefined) parameters.capillaryRefill = scoreOnBands(obs.capillaryRefillSeconds, chart.capillaryRefillSeconds);

  const given = (name: string) => (name === 'capillaryRefill' ? obs.capillaryRefillSeconds : obs[name as keyof ObservationSet]) !== undefined;
  return {
    ageBand: band.id,
    score: Object.values(parameters).reduce<number>((a, b) => a + b, 0),
    parameters,
    missing: [...SCORED, ...TRIGGERS].filter((name) => !given(name)),
    notes,
  };
}

/**
 * High flow, CPAP and BiPAP score 4 whatever the level; other devices score
 * by flow or percentage, the higher if both are given. Any oxygen support
 * scores at least 1, so a device recorded without its level still counts.
 */
function oxygenScore(o: Oxygen, notes: string[]): Score {
  const chart = pewsChart().oxygen;
  const device = chart.devices[o.device];
  if (device.scores === 'air') return 0;
  if (device.scores !== 'level') return device.scores;
  const byLevel: Score[] = [];
  if (o.litresPerMinute !== undefined) byLevel.push(scoreOnBands(o.litresPerMinute, chart.litresPerMinute));
  if (o.fio2 !== undefined) byLevel.push(scoreOnBands(o.fio2, chart.fio2Percent));
  if (!byLevel.length) {
    notes.push(`Oxygen by ${device.label} without a flow or percentage: scored 1, the least any oxygen support scores; record the level to score it fully.`);
    return 1;
  }
  return Math.max(...byLevel) as Score;
}
