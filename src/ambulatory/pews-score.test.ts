import { describe, expect, it } from 'vitest';
import { readObservationSet } from './observation-set.js';
import { pewsScore } from './pews-score.js';

/**
 * Every threshold of the national PEWS chart (NHS England, September 2023),
 * on both sides, for each age band. The expected scores are copied by hand
 * from the published charts (the coloured rows of each chart, and the band
 * edges in NHS England's 'Configuration Document for SPOT NPEWS'), not from
 * data/pews-chart.json, so a wrong number in the data fails here.
 */

/** A child of each band on 15 June 2026. */
const CHILD = {
  '0-11m': '2026-01-10',
  '1-4y': '2023-03-01',
  '5-12y': '2018-09-30',
  '13+y': '2011-02-11',
} as const;
type Band = keyof typeof CHILD;
const OBSERVED_AT = '2026-06-15T09:00:00Z';

function scoreOf(dateOfBirth: string, observations: Record<string, unknown>, observedAt = OBSERVED_AT) {
  const read = readObservationSet({ dateOfBirth, observedAt, ...observations });
  if (!read.ok) throw new Error(read.errors.join('; '));
  return pewsScore(read.value);
}

type Row = [value: number, score: number];
/** value → score, read off each band's chart: every band edge, with the last value scoring differently just below it. */
const VITAL_SIGNS: Record<Band, Record<'respiratoryRate' | 'heartRate' | 'systolicBP', Row[]>> = {
  '0-11m': {
    // pink <10 | orange 10–19.99 | yellow 20–29.99 | white 30–49.99 | yellow 50–59.99 | orange 60–69.99 | pink ≥70
    respiratoryRate: [[0, 4], [9, 4], [9.99, 4], [10, 2], [19, 2], [19.99, 2], [20, 1], [29, 1], [30, 0], [49, 0], [49.99, 0], [50, 1], [59, 1], [60, 2], [69, 2], [70, 4], [120, 4]],
    // pink <80 | orange 80–89.99 | yellow 90–109.99 | white 110–149.99 | yellow 150–169.99 | orange 170–179.99 | pink ≥180
    heartRate: [[30, 4], [79, 4], [80, 2], [89, 2], [90, 1], [109, 1], [110, 0], [149, 0], [150, 1], [169, 1], [170, 2], [179, 2], [180, 4], [250, 4]],
    // pink <50 | orange 50–59.99 | yellow 60–69.99 | white 70–89.99 | yellow 90–99.99 | orange 100–109.99 | pink ≥110
    systolicBP: [[30, 4], [49, 4], [50, 2], [59, 2], [60, 1], [69, 1], [70, 0], [89, 0], [90, 1], [99, 1], [100, 2], [109, 2], [110, 4], [160, 4]],
  },
  '1-4y': {
    // pink <10 | orange 10–19.99 | white 20–39.99 | yellow 40–49.99 | orange 50–59.99 | pink ≥60 (no yellow below normal)
    respiratoryRate: [[0, 4], [9, 4], [10, 2], [19, 2], [19.99, 2], [20, 0], [39, 0], [40, 1], [49, 1], [50, 2], [59, 2], [60, 4], [100, 4]],
    // pink <60 | orange 60–69.99 | yellow 70–89.99 | white 90–139.99 | yellow 140–149.99 | orange 150–169.99 | pink ≥170
    heartRate: [[30, 4], [59, 4], [60, 2], [69, 2], [70, 1], [89, 1], [90, 0], [139, 0], [140, 1], [149, 1], [150, 2], [169, 2], [170, 4], [230, 4]],
    // pink <50 | orange 50–59.99 | yellow 60–79.99 | white 80–99.99 | yellow 100–119.99 | orange 120–129.99 | pink ≥130
    systolicBP: [[30, 4], [49, 4], [50, 2], [59, 2], [60, 1], [79, 1], [80, 0], [99, 0], [100, 1], [119, 1], [120, 2], [129, 2], [130, 4], [170, 4]],
  },
  '5-12y': {
    // pink <10 | orange 10–14.99 | yellow 15–19.99 | white 20–24.99 | yellow 25–39.99 | orange 40–49.99 | pink ≥50
    respiratoryRate: [[0, 4], [9, 4], [10, 2], [14, 2], [14.99, 2], [15, 1], [19, 1], [20, 0], [24, 0], [25, 1], [39, 1], [40, 2], [49, 2], [50, 4], [80, 4]],
    // pink <60 | orange 60–69.99 | yellow 70–79.99 | white 80–119.99 | yellow 120–139.99 | orange 140–159.99 | pink ≥160
    heartRate: [[30, 4], [59, 4], [60, 2], [69, 2], [70, 1], [79, 1], [80, 0], [119, 0], [120, 1], [139, 1], [140, 2], [159, 2], [160, 4], [220, 4]],
    // pink <70 | orange 70–79.99 | yellow 80–89.99 | white 90–109.99 | yellow 110–119.99 | orange 120–129.99 | pink ≥130
    systolicBP: [[40, 4], [69, 4], [70, 2], [79, 2], [80, 1], [89, 1], [90, 0], [109, 0], [110, 1], [119, 1], [120, 2], [129, 2], [130, 4], [180, 4]],
  },
  '13+y': {
    // pink <10 | yellow 10–14.99 (no orange below normal) | white 15–24.99 | yellow 25–29.99 | orange 30–39.99 | pink ≥40
    respiratoryRate: [[0, 4], [9, 4], [10, 1], [14, 1], [15, 0], [24, 0], [24.99, 0], [25, 1], [29, 1], [30, 2], [39, 2], [40, 4], [70, 4]],
    // pink <50 | orange 50–59.99 | yellow 60–69.99 | white 70–99.99 | yellow 100–119.99 | orange 120–129.99 | pink ≥130
    heartRate: [[30, 4], [49, 4], [50, 2], [59, 2], [60, 1], [69, 1], [70, 0], [99, 0], [100, 1], [119, 1], [120, 2], [129, 2], [130, 4], [200, 4]],
    // pink <80 | orange 80–89.99 | yellow 90–99.99 | white 100–119.99 | yellow 120–129.99 | orange 130–139.99 | pink ≥140
    systolicBP: [[50, 4], [79, 4], [80, 2], [89, 2], [90, 1], [99, 1], [100, 0], [119, 0], [120, 1], [129, 1], [130, 2], [139, 2], [140, 4], [200, 4]],
  },
};

const WORDS = { respiratoryRate: 'respiratory rate', heartRate: 'heart rate', systolicBP: 'systolic blood pressure' } as const;

describe('PEWS vital signs on the national chart for each age band', () => {
  for (const band of Object.keys(CHILD) as Band[]) {
    for (const parameter of ['respiratoryRate', 'heartRate', 'systolicBP'] as const) {
      it.each(VITAL_SIGNS[band][parameter])(`${band}: ${WORDS[parameter]} %s scores %s`, (value, expected) => {
        const result = scoreOf(CHILD[band], { [parameter]: value });
        expect(result.ageBand).toBe(band);
        expect(result.parameters).toEqual({ [parameter]: expected });
        expect(result.score).toBe(expected);
      });
    }
  }

  it('a reading between two bands (e.g. 49.995) takes the higher score, as the national specification requires', () => {
    expect(scoreOf(CHILD['0-11m'], { respiratoryRate: 49.995 }).parameters.respiratoryRate).toBe(1);
    expect(scoreOf(CHILD['0-11m'], { respiratoryRate: 29.995 }).parameters.respiratoryRate).toBe(1);
    expect(scoreOf(CHILD['0-11m'], { respiratoryRate: 19.995 }).parameters.respiratoryRate).toBe(2);
    expect(scoreOf(CHILD['13+y'], { heartRate: 69.995 }).parameters.heartRate).toBe(1);
  });
});

describe('PEWS observations scored alike in every age band', () => {
  const SPO2: Row[] = [[70, 4], [91, 4], [91.005, 4], [92, 1], [94, 1], [94.99, 1], [95, 0], [100, 0]];
  const CAPILLARY_REFILL: Row[] = [[0, 0], [1, 0], [2, 0], [2.5, 2], [3, 2], [6, 2]];
  for (const band of Object.keys(CHILD) as Band[]) {
    it.each(SPO2)(`${band}: SpO₂ %s%% scores %s (≤91 pink, 92–94 yellow, ≥95 white)`, (spo2, expected) => {
      expect(scoreOf(CHILD[band], { spo2 }).parameters).toEqual({ spo2: expected });
    });
    it.each(CAPILLARY_REFILL)(`${band}: capillary refill %s s scores %s (≤2 s white, ≥3 s orange, between takes the higher)`, (seconds, expected) => {
      expect(scoreOf(CHILD[band], { capillaryRefillSeconds: seconds }).parameters).toEqual({ capillaryRefill: expected });
    });
    it(`${band}: respiratory distress none, mild, moderate, severe scores 0, 1, 2, 4`, () => {
      const scores = ['none', 'mild', 'moderate', 'severe'].map((d) => scoreOf(CHILD[band], { respiratoryDistress: d }).parameters.respiratoryDistress);
      expect(scores).toEqual([0, 1, 2, 4]);
    });
  }
});

describe('oxygen by device and level', () => {
  const cases: [string, Record<string, unknown>, number][] = [
    ['room air', { device: 'none' }, 0],
    ['room air, FiO₂ 21%', { device: 'none', fio2: 21 }, 0],
    ['nasal prongs 0.01 L/min', { device: 'nasal-prongs', litresPerMinute: 0.01 }, 1],
    ['nasal prongs at less than 0.01 L/min still counts as support', { device: 'nasal-prongs', litresPerMinute: 0.005 }, 1],
    ['nasal prongs 1.99 L/min', { device: 'nasal-prongs', litresPerMinute: 1.99 }, 1],
    ['nasal prongs 2 L/min', { device: 'nasal-prongs', litresPerMinute: 2 }, 2],
    ['face mask 5.99 L/min', { device: 'face-mask', litresPerMinute: 5.99 }, 2],
    ['face mask 6 L/min', { device: 'face-mask', litresPerMinute: 6 }, 4],
    ['non-rebreather 15 L/min', { device: 'non-rebreather', litresPerMinute: 15 }, 4],
    ['head box 21%', { device: 'head-box', fio2: 21 }, 1],
    ['head box 29.99%', { device: 'head-box', fio2: 29.99 }, 1],
    ['head box 30%', { device: 'head-box', fio2: 30 }, 2],
    ['face mask 49%', { device: 'face-mask', fio2: 49 }, 2],
    ['face mask 50%', { device: 'face-mask', fio2: 50 }, 4],
    ['face mask 1 L/min and 35%: the higher', { device: 'face-mask', litresPerMinute: 1, fio2: 35 }, 2],
    ['high flow at 0.5 L/min', { device: 'high-flow', litresPerMinute: 0.5 }, 4],
    ['CPAP with no level', { device: 'cpap' }, 4],
    ['BiPAP at 25%', { device: 'bipap', fio2: 25 }, 4],
  ];
  it.each(cases)('%s scores %s', (_label, oxygen, expected) => {
    for (const band of Object.keys(CHILD) as Band[]) expect(scoreOf(CHILD[band], { oxygen }).parameters).toEqual({ oxygen: expected });
  });

  it('a device given without its flow or percentage scores 1 and says so', () => {
    const result = scoreOf(CHILD['1-4y'], { oxygen: { device: 'nasal-prongs' } });
    expect(result.parameters.oxygen).toBe(1);
    expect(result.notes.join(' ')).toMatch(/nasal prongs without a flow or percentage: scored 1/);
  });
});

describe('the whole set', () => {
  it('adds the parameters given, and names every observation not given as missing', () => {
    const full = scoreOf(CHILD['1-4y'], {
      respiratoryRate: 45, heartRate: 145, systolicBP: 95, spo2: 93, oxygen: { device: 'face-mask', litresPerMinute: 4 },
      respiratoryDistress: 'moderate', capillaryRefillSeconds: 3, temperature: 37, avpu: 'A', carer: 'same',
    });
    expect(full.parameters).toEqual({ respiratoryRate: 1, heartRate: 1, systolicBP: 0, spo2: 1, oxygen: 2, respiratoryDistress: 2, capillaryRefill: 2 });
    expect(full.score).toBe(9);
    expect(full.missing).toEqual([]);

    const partial = scoreOf(CHILD['5-12y'], { heartRate: 165, spo2: 90 });
    expect(partial.parameters).toEqual({ heartRate: 4, spo2: 4 });
    expect(partial.score).toBe(8);
    expect(partial.missing).toEqual(['respiratoryRate', 'systolicBP', 'oxygen', 'respiratoryDistress', 'capillaryRefill', 'temperature', 'avpu', 'carer']);
  });

  it('null is taken as not given, as an empty form field', () => {
    const result = scoreOf(CHILD['0-11m'], { heartRate: null, respiratoryRate: 40 });
    expect(result.parameters).toEqual({ respiratoryRate: 0 });
    expect(result.missing).toContain('heartRate');
  });

  it('scores on the new chart from the day the child changes band (1st, 5th and 13th birthdays)', () => {
    // Heart rate 145: white (0) at 0-11 months, yellow (1) at 1-4 years.
    expect(scoreOf('2025-06-15', { heartRate: 145 }, '2026-06-14T09:00:00Z')).toMatchObject({ ageBand: '0-11m', score: 0 });
    expect(scoreOf('2025-06-15', { heartRate: 145 }, '2026-06-15T09:00:00Z')).toMatchObject({ ageBand: '1-4y', score: 1 });
    // Respiratory rate 19: orange (2) at 1-4 years, yellow (1) at 5-12 years.
    expect(scoreOf('2021-06-15', { respiratoryRate: 19 }, '2026-06-14T09:00:00Z')).toMatchObject({ ageBand: '1-4y', score: 2 });
    expect(scoreOf('2021-06-15', { respiratoryRate: 19 }, '2026-06-15T09:00:00Z')).toMatchObject({ ageBand: '5-12y', score: 1 });
    // Systolic 125: orange (2) at 5-12 years, yellow (1) at 13 and over.
    expect(scoreOf('2013-06-15', { systolicBP: 125 }, '2026-06-14T09:00:00Z')).toMatchObject({ ageBand: '5-12y', score: 2 });
    expect(scoreOf('2013-06-15', { systolicBP: 125 }, '2026-06-15T09:00:00Z')).toMatchObject({ ageBand: '13+y', score: 1 });
  });
});
