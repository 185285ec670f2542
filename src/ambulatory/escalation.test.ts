import { describe, expect, it } from 'vitest';
import { escalate, levelForScore } from './escalation.js';
import { readObservationSet, type ObservationSet } from './observation-set.js';
import { assessPews } from './pews.js';

const BASE = { dateOfBirth: '2018-09-30', observedAt: '2026-06-15T09:00:00Z' }; // 7 years old: the 5-12 chart

function set(extra: Record<string, unknown>): ObservationSet {
  const read = readObservationSet({ ...BASE, ...extra });
  if (!read.ok) throw new Error(read.errors.join('; '));
  return read.value;
}
const assess = (extra: Record<string, unknown>) => assessPews(set(extra));

describe('escalation from the PEWS score', () => {
  it('is none at 0, low at 1-4, medium at 5-8, high at 9-12 and emergency from 13', () => {
    expect([0, 1, 4, 5, 8, 9, 12, 13, 20].map(levelForScore))
      .toEqual(['none', 'low', 'low', 'medium', 'medium', 'high', 'high', 'emergency', 'emergency']);
  });

  it('a score of 0 with no trigger is none, with no reasons', () => {
    expect(assess({ respiratoryRate: 22, heartRate: 90, spo2: 98, temperature: 37, avpu: 'A', carer: 'same' }))
      .toMatchObject({ score: 0, escalation: 'none', reasons: [] });
  });

  it('reaches emergency from the score alone (13)', () => {
    const result = assess({ respiratoryRate: 55, heartRate: 170, spo2: 90, oxygen: { device: 'high-flow' }, capillaryRefillSeconds: 3 });
    expect(result.score).toBe(18);
    expect(result).toMatchObject({ escalation: 'emergency', reasons: ['PEWS 18 (13 or more): emergency'] });
  });
});

describe('escalation takes the highest of the score and every trigger', () => {
  it('a trigger raises a low score, and never lowers a high one', () => {
    expect(assess({ heartRate: 125, nurseConcern: 'emergency' })).toMatchObject({ score: 1, escalation: 'emergency' });
    // Score 9 (high) with a carer answer asking only for low: still high.
    const high = assess({ respiratoryRate: 45, heartRate: 150, spo2: 93, oxygen: { device: 'face-mask', litresPerMinute: 2 }, respiratoryDistress: 'moderate', carer: 'worse', carerLevel: 'low' });
    expect(high.score).toBe(9);
    expect(high.escalation).toBe('high');
    expect(high.reasons).toEqual(['PEWS 9 (9 to 12): high', 'Carer says the child is worse: low, the level the clinician chose']);
  });

  it('lists every reason, the most urgent first', () => {
    const result = assess({ heartRate: 125, temperature: 38.5, avpu: 'V', carer: 'worse' });
    expect(result.escalation).toBe('high');
    expect(result.reasons).toEqual([
      'AVPU V (responds only to voice): high',
      'Carer says the child is worse: medium (the default; the clinician chose no level)',
      'Temperature 38.5 °C (38 °C or above) counts towards sepsis: medium',
      'PEWS 1 (1 to 4): low',
    ]);
  });
});

describe('the carer\'s answer to "How is your child different since I last saw them?"', () => {
  it('"worse" escalates at the level the clinician chose', () => {
    for (const level of ['low', 'medium', 'high', 'emergency']) expect(assess({ carer: 'worse', carerLevel: level }).escalation).toBe(level);
  });

  it('"worse" does not escalate when the clinician chose none', () => {
    expect(assess({ carer: 'worse', carerLevel: 'none' })).toMatchObject({ escalation: 'none', reasons: [] });
  });

  it('"worse" with no level chosen escalates to medium (a clinical review)', () => {
    expect(assess({ carer: 'worse' })).toMatchObject({ escalation: 'medium', reasons: ['Carer says the child is worse: medium (the default; the clinician chose no level)'] });
  });

  it('same, better, asleep and unavailable do not escalate, whatever carerLevel says', () => {
    for (const carer of ['same', 'better', 'asleep', 'unavailable']) expect(assess({ carer, carerLevel: 'high' }).escalation).toBe('none');
  });
});

describe('nurse concern and specific concerns', () => {
  it('nurse concern escalates at its level; none is no concern', () => {
    expect(assess({ nurseConcern: 'none' }).escalation).toBe('none');
    for (const level of ['low', 'medium', 'high', 'emergency']) {
      expect(assess({ nurseConcern: level })).toMatchObject({ escalation: level, reasons: [`Nurse concern: ${level}`] });
    }
  });

  it('a new suspicion of sepsis is medium; of septic shock, high', () => {
    expect(assess({ suspectedSepsis: true })).toMatchObject({ escalation: 'medium', reasons: ['New suspicion of sepsis: medium'] });
    expect(assess({ suspectedSepsis: false }).escalation).toBe('none');
    expect(assess({ suspectedSepticShock: true, suspectedSepsis: true }).escalation).toBe('high');
  });

  it('a temperature of 38 °C or more, or below 36 °C, counts towards sepsis (medium); 36 to 37.9 does not', () => {
    expect([35.9, 36, 37.9, 38, 39.5].map((temperature) => assess({ temperature }).escalation)).toEqual(['medium', 'none', 'none', 'medium', 'medium']);
    expect(assess({ temperature: 35.5 }).reasons).toEqual(['Temperature 35.5 °C (below 36 °C) counts towards sepsis: medium']);
  });

  it('AVPU: A does not escalate, V is high, P and U are emergency; abnormal pupils are emergency', () => {
    expect(['A', 'V', 'P', 'U'].map((avpu) => assess({ avpu }).escalation)).toEqual(['none', 'high', 'emergency', 'emergency']);
    expect(assess({ abnormalPupils: true })).toMatchObject({ escalation: 'emergency', reasons: ['Abnormal pupillary response: emergency'] });
  });

  it('temperature and AVPU trigger but never add to the score', () => {
    expect(assess({ temperature: 39, avpu: 'U' })).toMatchObject({ score: 0, parameters: {} });
  });

  it('escalate() works on any score the pages pass it', () => {
    expect(escalate(6, set({}))).toEqual({ escalation: 'medium', reasons: ['PEWS 6 (5 to 8): medium'] });
  });
});
