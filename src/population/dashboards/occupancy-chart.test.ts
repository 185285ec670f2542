import { describe, expect, it } from 'vitest';
import { POINT_COLOURS } from '../spc-words.js';
import { occupancyChart } from './charts.js';

const months = (percents: (number | null)[]) => percents.map((percent, i) => {
  const d = new Date(Date.UTC(2025, i, 1));
  return { month: d.toLocaleDateString('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' }), monthStart: d.toISOString().slice(0, 10), percent };
});

/** The ward's occupancy drawn as the indicators are: an XmR chart whose label says what a reader of the picture would see. */
describe('the virtual ward’s occupancy chart', () => {
  it('draws each month with capacity, names the latest and its limits, and marks a month far above the rest', () => {
    const rows = months([60, 62, 58, 61, 59, 60, 63, 57, 61, 60, 62, 59, 98]);
    const chart = occupancyChart('the virtual ward', rows)!;
    expect(chart.label).toMatch(/^XmR chart of the occupancy of the virtual ward against its capacity, by month from January 2025 to January 2026\. Latest, January 2026: 98%\. Mean [\d.]+%; process limits [\d.]+% to [\d.]+%\./);
    // Occupancy is neutral: a full ward is unusual, not better or worse.
    expect(chart.label).toContain('Special cause variation – unusually high (neither direction is better)');
    expect(chart.wide).toContain(POINT_COLOURS.special_cause_neutral_high);
    expect(chart.label).toContain('Every month is in the table that follows.');
  });

  it('leaves out months with no capacity set, and draws nothing without any', () => {
    const chart = occupancyChart('the virtual ward', months([null, null, 50, 52, 51]))!;
    expect(chart.label).toContain('by month from March 2025 to May 2025');
    expect(occupancyChart('the virtual ward', months([null, null]))).toBeNull();
  });
});
