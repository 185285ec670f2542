import type { Assurance, Improvement, PointType } from './spc.js';

/**
 * What the Making Data Count icons mean, in words, and the colours the
 * charts use for each kind of point (NHSRplotthedots' defaults): grey for
 * common cause, blue for improvement, orange for concern, purple where
 * neither direction is better.
 */
export const POINT_COLOURS: Record<PointType, string> = {
  common_cause: '#7b7d7d',
  special_cause_improvement: '#289de0',
  special_cause_concern: '#fab428',
  special_cause_neutral_high: '#361475',
  special_cause_neutral_low: '#361475',
};
export const TARGET_COLOUR = '#de1b1b';

const better: Record<Improvement, string> = { increase: 'higher is better', decrease: 'lower is better', neutral: 'neither direction is better' };

/** Which way a special-cause point went. */
const isHigh = (type: PointType, improvement: Improvement) =>
  type === 'special_cause_neutral_high'
  || (type === 'special_cause_improvement' && improvement === 'increase')
  || (type === 'special_cause_concern' && improvement === 'decrease');

/** The variation icon's meaning for the latest point, e.g. "Special cause variation – improvement: unusually low (lower is better)". */
export function variationWords(type: PointType | null, improvement: Improvement): string {
  if (type === null) return 'No variation to show: there is no data';
  if (type === 'common_cause') return 'Common cause variation: no significant change';
  const way = isHigh(type, improvement) ? 'unusually high' : 'unusually low';
  if (type === 'special_cause_improvement') return `Special cause variation – improvement: ${way} (${better[improvement]})`;
  if (type === 'special_cause_concern') return `Special cause variation – concern: ${way} (${better[improvement]})`;
  return `Special cause variation – ${way} (${better[improvement]})`;
}

/** A point's type in a table row: "Common cause", "Special cause – concern (high)". */
export function pointTypeWords(type: PointType, improvement: Improvement): string {
  if (type === 'common_cause') return 'Common cause';
  const way = isHigh(type, improvement) ? 'high' : 'low';
  if (type === 'special_cause_improvement') return `Special cause – improvement (${way})`;
  if (type === 'special_cause_concern') return `Special cause – concern (${way})`;
  return `Special cause – ${way}`;
}

/** The assurance icon's meaning against the target. */
export function assuranceWords(assurance: Assurance | null, target: number | null, improvement: Improvement): string {
  if (target === null) return 'No target set';
  if (improvement === 'neutral') return 'No assurance: neither direction is better';
  switch (assurance) {
    case 'consistent_pass': return 'Consistently passing the target';
    case 'consistent_fail': return 'Consistently failing the target';
    case 'inconsistent': return 'Hit and miss: the target will sometimes be met and sometimes missed';
    default: return 'No assurance: not enough data to set process limits';
  }
}

/** Short key for an icon: the colour and the glyph it shows (the words always sit beside it). */
export type Icon = { colour: string; glyph: 'common' | 'up' | 'down' | 'pass' | 'fail' | 'unknown' };

export function variationIcon(type: PointType | null, improvement: Improvement): Icon | null {
  if (type === null) return null;
  if (type === 'common_cause') return { colour: POINT_COLOURS.common_cause, glyph: 'common' };
  return { colour: POINT_COLOURS[type], glyph: isHigh(type, improvement) ? 'up' : 'down' };
}

export function assuranceIcon(assurance: Assurance | null): Icon | null {
  if (assurance === 'consistent_pass') return { colour: POINT_COLOURS.special_cause_improvement, glyph: 'pass' };
  if (assurance === 'consistent_fail') return { colour: POINT_COLOURS.special_cause_concern, glyph: 'fail' };
  if (assurance === 'inconsistent') return { colour: POINT_COLOURS.common_cause, glyph: 'unknown' };
  return null;
}
