import { ageOn, londonDate } from '../population/service.js';
import { pewsChart, type AgeBand } from './pews-chart.js';

/**
 * Which PEWS chart a child is scored on: by completed years on the day the
 * observations were taken (England's calendar), so the band changes on the
 * 1st, 5th and 13th birthday. A child born on 29 February has their birthday
 * on 1 March in other years, as ageOn counts it.
 */
export function ageBandOn(dateOfBirth: string, observedAtMs: number): AgeBand {
  const years = ageOn(dateOfBirth, londonDate(observedAtMs));
  if (years < 0) throw new RangeError('observedAt is before dateOfBirth');
  const bands = pewsChart().ageBands;
  let band = bands[0];
  for (const b of bands) if (years >= b.fromYears) band = b;
  return band;
}
