import type { Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { ForbiddenError } from '../platform/http/errors.js';
import { CannotEvaluateError, evaluateModel, listIndicators, modelMonthlySums, spc } from '../population/service.js';
import { monthsToJudge } from './time-to-judgement.js';

/** The change a model is judged against, as the example: 15% in either direction. */
const JUDGED_EFFECT = -0.15;
import type { Indicator } from '../population/index.js';
import { recommendation } from '../feedback/service.js';
import { modelsPolicy } from './policy.js';
import { visibleModels } from './service.js';
import type { RegisteredModel } from './index.js';

/**
 * Models side by side: each model's measured effect on its outcomes (from
 * the difference-in-differences evaluation against the hubs without it),
 * its early indicators month by month with SPC limits, and what families
 * said of its hubs. An outcome that cannot yet be judged says so and why.
 */

export type MeasuredEffect =
  | { indicator: Indicator; judged: true; effect: number; ci95: [number, number]; postMonths: number }
  | { indicator: Indicator; judged: false; why: string };

export type EarlySeries = {
  indicator: Indicator;
  /** Per 1,000 population a month, in the hubs running the model. */
  months: { month: string; value: number; mean: number | null; lpl: number | null; upl: number | null; type: string | null }[];
  start: string;
} | { indicator: Indicator; months: null; why: string };

export type FamilyFeedback = { answered: number; share: number } | null;

export type Comparison = { model: RegisteredModel; outcomes: MeasuredEffect[]; early: EarlySeries[]; feedback: FamilyFeedback };

/** A model's effect on one indicator, or why it cannot be judged yet. */
export async function measuredEffect(tx: Tx, icsId: string, model: RegisteredModel, indicator: Indicator, today: string) {
  if (model.hubs.length === 0) return { indicator, judged: false as const, why: 'No hub has been recorded as starting it.', evaluation: null };
  try {
    const e = await evaluateModel(tx, icsId, { indicatorId: indicator.id, model: model.name, method: 'did', today });
    // Judged only once the months after the start reach those needed to detect a 15% change with 80% power.
    const judgement = monthsToJudge(await modelMonthlySums(tx, icsId, { indicatorId: indicator.id, model: model.name, today }), { effect: JUDGED_EFFECT, power: 0.8 });
    const after = e.rampMonths + e.postMonths;
    if (judgement.monthsNeeded === null || after < judgement.monthsNeeded) {
      const why = judgement.monthsNeeded === null ? judgement.basis
        : `${after} months since the start; about ${judgement.monthsNeeded} are needed to detect a 15% change with 80% power.`;
      return { indicator, judged: false as const, why, evaluation: e };
    }
    return { indicator, judged: true as const, effect: e.effect, ci95: e.ci95, postMonths: e.postMonths, evaluation: e };
  } catch (error) {
    if (error instanceof CannotEvaluateError) return { indicator, judged: false as const, why: error.message, evaluation: null };
    throw error;
  }
}

async function earlySeries(tx: Tx, icsId: string, model: RegisteredModel, indicator: Indicator, today: string): Promise<EarlySeries> {
  const measured = await measuredEffect(tx, icsId, model, indicator, today);
  const e = measured.evaluation;
  if (!e || e.method !== 'did') return { indicator, months: null, why: measured.judged ? 'No monthly series.' : measured.why };
  const points = e.details.series.filter((p) => p.treated.denominator > 0);
  const values = points.map((p) => (1000 * p.treated.numerator) / p.treated.denominator);
  const limits = values.length >= 2 ? spc(values, { improvement: indicator.improvement }).points : [];
  return {
    indicator, start: e.start,
    months: points.map((p, i) => ({
      month: p.month, value: values[i], mean: limits[i]?.mean ?? null, lpl: limits[i]?.lpl ?? null, upl: limits[i]?.upl ?? null, type: limits[i]?.type ?? null,
    })),
  };
}

async function familyFeedback(tx: Tx, actor: Actor, model: RegisteredModel, today: string): Promise<FamilyFeedback> {
  let answered = 0;
  let recommending = 0;
  for (const hub of model.hubs) {
    const r = await recommendation(tx, actor, { hub: hub.clusterId, service: null }, today);
    for (const m of r.series) {
      if (typeof m.answered === 'number' && typeof m.recommending === 'number') { answered += m.answered; recommending += m.recommending; }
    }
  }
  return answered > 0 ? { answered, share: (100 * recommending) / answered } : null;
}

export async function compareModels(tx: Tx, actor: Actor, today: string): Promise<{ comparisons: Comparison[]; indicators: Indicator[] }> {
  const may = modelsPolicy.viewRegister(actor);
  if (!may.allowed) throw new ForbiddenError(may.reason);
  const { models } = await visibleModels(tx, actor);
  const indicators = await listIndicators(tx, actor.icsId);
  const byId = new Map(indicators.map((i) => [i.id, i]));
  const comparisons: Comparison[] = [];
  for (const model of models.filter((m) => m.described)) {
    const outcomes: MeasuredEffect[] = [];
    for (const id of model.finalOutcomes) {
      const indicator = byId.get(id);
      if (!indicator) continue;
      const { evaluation: _e, ...shown } = await measuredEffect(tx, actor.icsId, model, indicator, today);
      outcomes.push(shown);
    }
    const early: EarlySeries[] = [];
    for (const id of model.earlyIndicators) {
      const indicator = byId.get(id);
      if (indicator) early.push(await earlySeries(tx, actor.icsId, model, indicator, today));
    }
    comparisons.push({ model, outcomes, early, feedback: model.hubs.length ? await familyFeedback(tx, actor, model, today) : null });
  }
  return { comparisons, indicators };
}
