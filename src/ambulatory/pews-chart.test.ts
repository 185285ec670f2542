import { describe, expect, it } from 'vitest';
import { readJson } from '../platform/data-files.js';
import { checkPewsChart } from './pews-chart.js';
import { pewsChartUsed } from './pews.js';

describe('the PEWS chart data', () => {
  it('names the national chart and its version, and carries the inpatient caveat for pages to show', () => {
    const used = pewsChartUsed();
    expect(used.name).toBe('National Paediatric Early Warning System (PEWS) Observation and Escalation Chart');
    expect(used.version).toMatch(/September 2023/);
    expect(used.validatedFor).toBe('inpatients');
    expect(used.caveat).toMatch(/has not been validated for children observed at home/);
  });

  it('refuses a chart file whose bands overlap, run backwards or leave the top open-ended band out, naming the place', () => {
    const chart = readJson('pews-chart.json') as { ageBands: { heartRate: { from?: number; to?: number; score: number }[] }[] };
    const broken = (change: (c: typeof chart) => void) => {
      const copy = structuredClone(chart);
      change(copy);
      return () => checkPewsChart(copy);
    };
    expect(broken((c) => { c.ageBands[1].heartRate[4].from = 139; })).toThrow(/ageBands\.1\.heartRate: band 4 overlaps the one below/);
    expect(broken((c) => { c.ageBands[0].heartRate[2].to = 85; })).toThrow(/ageBands\.0\.heartRate: band 2 (runs backwards|overlaps)/);
    expect(broken((c) => { c.ageBands[2].heartRate.pop(); })).toThrow(/ageBands\.2\.heartRate: the first band needs no "from" and the last no "to"/);
    expect(broken((c) => { c.ageBands[3].heartRate[0].score = 3; })).toThrow(/ageBands\.3\.heartRate\.0\.score/);
    expect(() => checkPewsChart(chart)).not.toThrow();
  });
});
