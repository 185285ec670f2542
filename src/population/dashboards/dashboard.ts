import type { Tx } from '../../platform/db/client.js';
import type { Actor } from '../../platform/access/actor.js';
import { recordAudit } from '../../platform/audit/audit.js';
import type { FieldErrors } from '../../platform/http/errors.js';
import { populationPolicy, required } from '../policy.js';
import { listIndicators, UNIT_WORDS, type Indicator } from '../indicators/definitions.js';
import { measureTotals } from './store.js';
import { chartSeries, pointsFromTotals, type ChartedSeries } from './series.js';
import { chartWindow, monthWords, valueWords } from './figures.js';
import { readDashboardQuery } from './query.js';
import { defaultScope, scopeChoices, type ScopeChoices, type ScopeOption } from './scopes.js';
import { assuranceIcon, assuranceWords, variationIcon, variationWords, type Icon } from '../spc-words.js';

/**
 * Counts of 1 to 7 are withheld from roles that do not care for children in
 * every table they see, with more beside them where a total would give them
 * back (suppression.ts).
 */
export const suppressesSmallNumbers = (actor: Actor) => !populationPolicy.seeSmallNumbers(actor).allowed;

/** What the dashboards say about an indicator's latest month: the value, the variation and assurance in words and icons. */
export type Headline = {
  month: string | null;
  value: string;
  variation: { words: string; icon: Icon | null };
  assurance: { words: string; icon: Icon | null };
  target: string;
  /** Whether the latest month's figure was withheld. */
  suppressed: boolean;
};

export function headline(indicator: Indicator, series: ChartedSeries): Headline {
  const latest = series.months.at(-1);
  const withheld = latest?.shown.suppressed ?? false;
  return {
    month: latest ? monthWords(latest.month) : null,
    value: !latest ? 'No data' : withheld ? 'Suppressed (small numbers)' : valueWords(latest.value, indicator.unit),
    variation: withheld
      ? { words: 'Not shown: the latest month is suppressed', icon: null }
      : { words: variationWords(series.variation, indicator.improvement), icon: variationIcon(series.variation, indicator.improvement) },
    assurance: { words: assuranceWords(series.assurance, indicator.target, indicator.improvement), icon: assuranceIcon(series.assurance) },
    target: indicator.target === null ? 'No target set' : valueWords(indicator.target, indicator.unit),
    suppressed: withheld,
  };
}

export type ScopeItem = { value: string; text: string };
export const scopeItems = (choices: ScopeChoices): ScopeItem[] => choices.options.map((o) => ({ value: o.value, text: o.text }));

export type DashboardRow = { indicator: Indicator; unitWords: string; headline: Headline };

export type DashboardView = {
  scopes: ScopeItem[];
  values: { scope: string };
  fields: FieldErrors;
  report?: { scope: ScopeOption; rows: DashboardRow[]; latest: string | null; suppressed: boolean };
};

/**
 * The population dashboard: every indicator (built-in and the ICS's own)
 * for one scope, its latest complete month and what SPC says of it. One
 * rollup read for all the indicators' measures over five years.
 */
export async function populationDashboard(
  tx: Tx, actor: Actor, query: unknown, today: string,
  part: { only?: (i: Indicator) => boolean; what?: string } = {},
): Promise<DashboardView> {
  const why = required(populationPolicy.viewDashboards(actor));
  const choices = await scopeChoices(tx, actor.icsId);
  const read = readDashboardQuery(query, choices, defaultScope(actor, choices));
  const scopes = scopeItems(choices);
  const values = { scope: read.values.scope };
  if (!read.scope) return { scopes, values, fields: { scope: read.fields.scope } };

  const indicators = (await listIndicators(tx, actor.icsId)).filter(part.only ?? (() => true));
  const measures = [...new Set(indicators.flatMap((i) => [i.numerator, i.denominator]))];
  const totals = await measureTotals(tx, actor.icsId, measures, read.scope.scope, chartWindow(today));
  const suppress = suppressesSmallNumbers(actor);
  const rows = indicators.map((indicator) => ({
    indicator, unitWords: UNIT_WORDS[indicator.unit],
    headline: headline(indicator, chartSeries(pointsFromTotals(totals, indicator), indicator, suppress)),
  }));
  const latest = totals.reduce<string | null>((a, t) => (a === null || t.month > a ? t.month : a), null);

  await recordAudit(tx, actor, {
    action: 'population.view', what: `${part.what ?? 'Population dashboard'}: ${read.scope.name}`, why,
    details: { view: 'dashboard', scope: read.scope.value },
  });
  return { scopes, values, fields: {}, report: { scope: read.scope, rows, latest: latest && monthWords(latest), suppressed: rows.some((r) => r.headline.suppressed) } };
}
