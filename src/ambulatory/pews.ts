import { escalate } from './escalation.js';
import type { ObservationSet } from './observation-set.js';
import { pewsChart } from './pews-chart.js';
import { pewsScore, type PewsScore } from './pews-score.js';
import type { Level } from './pews-chart.js';

/** What `joinery pews` prints for one set of observations, and what the pages show. */
export type PewsResult = {
  ageBand: PewsScore['ageBand'];
  score: number;
  parameters: PewsScore['parameters'];
  escalation: Level;
  reasons: string[];
  missing: string[];
};

/** The chart a result was worked out on, with the inpatient-only caveat pages must show beside the score. */
export function pewsChartUsed() {
  const { name, version, validatedFor, caveat } = pewsChart().chart;
  return { name, version, validatedFor, caveat };
}

/** Scores one checked set of observations and decides the escalation level. */
export function assessPews(obs: ObservationSet): PewsResult {
  const scored = pewsScore(obs);
  const { escalation, reasons } = escalate(scored.score, obs);
  return {
    ageBand: scored.ageBand,
    score: scored.score,
    parameters: scored.parameters,
    escalation,
    reasons: [...reasons, ...scored.notes],
    missing: scored.missing,
  };
}
