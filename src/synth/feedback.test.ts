import { describe, expect, it } from 'vitest';
import { Rng } from '../platform/random/seeded.js';
import { parseIsoDate } from './dates.js';
import { feedbackRows } from './feedback.js';
import type { Cluster } from './structure.js';

const hubs = ['a', 'b', 'c'].map((id) => ({ id }) as Cluster);
const today = parseIsoDate('2026-11-23');
const draw = (seed: number) => feedbackRows(new Rng(seed, 'feedback'), new Rng(seed, 'feedback-ids'), 'ics', hubs, today);

describe('generated Friends and Family Test answers', () => {
  it('cover five years of months for every hub and service, the same for the same seed', () => {
    const rows = draw(7);
    expect(draw(7)).toEqual(rows);
    expect(draw(8)).not.toEqual(rows);
    const months = new Set(rows.map((r) => String(r.event_date).slice(0, 7)));
    expect(months.size).toBe(60);
    expect([...months].sort()[0]).toBe('2021-12');
    expect([...months].sort().at(-1)).toBe('2026-11');
    for (const hub of hubs) {
      for (const service of ['hub-clinic', 'advice', 'mdt-outcome', 'care-at-home']) expect(rows.some((r) => r.cluster_id === hub.id && r.service_kind === service), `${hub.id} ${service}`).toBe(true);
    }
    expect(rows.every((r) => String(r.event_date) < '2026-11-23')).toBe(true);
  });

  it('mostly recommend, as families do, with some who say poor and some who do not know, and never keep a link', () => {
    const rows = draw(7);
    const viewed = rows.filter((r) => r.answer !== 'dont-know');
    const share = viewed.filter((r) => r.answer === 'very-good' || r.answer === 'good').length / viewed.length;
    expect(share).toBeGreaterThan(0.8);
    expect(share).toBeLessThan(0.97);
    expect(rows.some((r) => r.answer === 'very-poor')).toBe(true);
    expect(rows.some((r) => r.answer === 'dont-know')).toBe(true);
    expect(rows.every((r) => r.link_id === null)).toBe(true);
  });
});
