import { describe, expect, it } from 'vitest';
import { describeEntry } from './attachments.js';

describe('a record entry attached to a referral', () => {
  it('shows an observation’s value and unit, and its result in words, beside what it was', () => {
    expect(describeEntry({ kind: 'observation', display: 'Body weight', started_on: '2026-03-03', status: 'final', details: { value: 14.2, unit: 'kg' } }))
      .toBe('Observation: Body weight, from 2026-03-03 (final). Value: 14.2 kg');
    expect(describeEntry({ kind: 'observation', display: 'Peak expiratory flow', started_on: null, status: 'final', details: { valueText: 'Below expected for height' } }))
      .toBe('Observation: Peak expiratory flow (final). Result: Below expected for height');
  });

  it('adds nothing to an entry that has no details of its own', () => {
    expect(describeEntry({ kind: 'problem', display: 'Eczema', started_on: '2025-01-10', status: 'active', details: {} }))
      .toMatch(/^[^.]*: Eczema, from 2025-01-10 \(active\)$/);
  });
});
