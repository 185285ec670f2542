import type { ObservationSet } from './observation-set.js';
import { LEVELS, pewsChart, type Level } from './pews-chart.js';

/**
 * How urgently to respond: the highest of the level the score reaches and of
 * every trigger (the carer's answer, the nurse's concern, specific concerns
 * such as sepsis or a fall in consciousness). A trigger can only raise the
 * level, never lower it. Each reason names the level it asks for, the most
 * urgent first.
 */

export type Escalation = { escalation: Level; reasons: string[] };

const AVPU_WORDS = { A: 'alert', V: 'responds only to voice', P: 'responds only to pain', U: 'unresponsive' } as const;
const rank = (l: Level) => LEVELS.indexOf(l);

export function levelForScore(score: number): Level {
  let level: Level = 'none';
  for (const step of pewsChart().escalation.byScore) if (score >= step.from) level = step.level;
  return level;
}

export function escalate(score: number, obs: ObservationSet): Escalation {
  const rules = pewsChart().escalation;
  const raised: { level: Level; why: string }[] = [];
  const raise = (level: Level, why: string) => {
    if (level !== 'none') raised.push({ level, why });
  };

  const byScore = levelForScore(score);
  if (byScore !== 'none') raise(byScore, `PEWS ${score} (${scoreRange(score)}): ${byScore}`);
  if (obs.carer === 'worse') {
    const level = obs.carerLevel ?? rules.carerWorseDefault;
    raise(level, obs.carerLevel
      ? `Carer says the child is worse: ${level}, the level the clinician chose`
      : `Carer says the child is worse: ${level} (the default; the clinician chose no level)`);
  }
  if (obs.nurseConcern) raise(obs.nurseConcern, `Nurse concern: ${obs.nurseConcern}`);
  if (obs.suspectedSepsis) raise(rules.suspectedSepsis, `New suspicion of sepsis: ${rules.suspectedSepsis}`);
  const t = obs.temperature;
  if (t !== undefined && (t >= rules.temperature.sepsisAtOrAbove || t < rules.temperature.sepsisBelow)) {
    const edge = t >= rules.temperature.sepsisAtOrAbove ? `${rules.temperature.sepsisAtOrAbove} °C or above` : `below ${rules.temperature.sepsisBelow} °C`;
    raise(rules.temperature.level, `Temperature ${t} °C (${edge}) counts towards sepsis: ${rules.temperature.level}`);
  }
  if (obs.suspectedSepticShock) raise(rules.suspectedSepticShock, `New suspicion of septic shock: ${rules.suspectedSepticShock}`);
  if (obs.avpu) raise(rules.avpu[obs.avpu], `AVPU ${obs.avpu} (${AVPU_WORDS[obs.avpu]}): ${rules.avpu[obs.avpu]}`);
  if (obs.abnormalPupils) raise(rules.abnormalPupils, `Abnormal pupillary response: ${rules.abnormalPupils}`);

  // Stable sort: equal levels keep the order above (score first, then the triggers).
  raised.sort((a, b) => rank(b.level) - rank(a.level));
  return { escalation: raised[0]?.level ?? 'none', reasons: raised.map((r) => r.why) };
}

/** "5 to 8", "13 or more": the score range of the level a score falls in. */
function scoreRange(score: number): string {
  const steps = pewsChart().escalation.byScore;
  let i = 0;
  while (i + 1 < steps.length && score >= steps[i + 1].from) i++;
  const next = steps[i + 1];
  return next ? `${steps[i].from} to ${next.from - 1}` : `${steps[i].from} or more`;
}
