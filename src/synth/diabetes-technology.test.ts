import { describe, expect, it } from 'vitest';
import { DIABETES_TECHNOLOGY } from '../population/index.js';
import type { ChildFacts } from './care-teams.js';
import { ageOn, parseIsoDate } from './dates.js';
import { drawInvolvement } from './flags.js';
import { Rng } from '../platform/random/seeded.js';
import { RecordGenerator } from './record.js';
import { buildStructure } from './structure.js';
import type { BatchWriter, Row } from './writer.js';

const today = parseIsoDate('2026-10-31');

describe('diabetes technology in the record', () => {
  const ids = new Rng(5, 'ids');
  const structure = buildStructure({ icsId: ids.uuid(), icsName: 'Test ICS', children: 2000, todayDays: today, demoEmailDomain: 'test.joinery.test', demoPasswordHash: null }, new Rng(5, 'structure'), ids);
  const written: Row[] = [];
  const writer = { add: (table: string, row: Row) => void (table === 'record_entry' && written.push(row)) } as unknown as BatchWriter;
  const record = new RecordGenerator(structure, today, new Rng(5, 'record'), new Rng(5, 'record-ids'), writer);
  const rng = new Rng(6, 'facts');

  /** Children with type 1 diabetes since 3 years ago, by quintile and ethnicity: which got a CGM or pump. */
  const children = Array.from({ length: 4000 }, (_, i) => {
    const dobDays = today - rng.int(6 * 365, 16 * 365);
    const basics = { dobDays, age: ageOn(dobDays, today), decile: (i % 10) + 1, male: rng.chance(0.5), todayDays: today };
    const facts = {
      ...basics, id: ids.uuid(), name: 'A Child', nhsNumber: '9990000000', practice: structure.practices[0], school: null,
      conditions: new Map([['type-1-diabetes', today - 3 * 365]]), complex: false, involvement: drawInvolvement(rng, basics, false),
    } as ChildFacts;
    const ethnic = i % 3 === 0 ? 'N' : 'A';
    record.child(facts, [], ethnic);
    return { id: facts.id, quintile: (basics.decile + 1) >> 1, ethnic };
  });
  const tech = written.filter((r) => r.kind === 'procedure' && r.code_system === DIABETES_TECHNOLOGY.system);
  const withTech = new Set(tech.map((r) => r.child_id));

  it('uses the local codes, once per child, after onset', () => {
    expect(tech.every((r) => (DIABETES_TECHNOLOGY.codes as readonly string[]).includes(r.code as string))).toBe(true);
    expect(withTech.size).toBe(tech.length);
    expect(tech.every((r) => (r.started_on as string) > '2023-10-31' && (r.started_on as string) <= '2026-10-31')).toBe(true);
    expect(tech.some((r) => r.code === 'insulin-pump')).toBe(true);
  });

  it('reaches ~75% in the least deprived quintile and ~50% in the most, less for ethnic minority children', () => {
    const share = (f: (c: (typeof children)[number]) => boolean) => {
      const group = children.filter(f);
      return group.filter((c) => withTech.has(c.id)).length / group.length;
    };
    const white = (c: (typeof children)[number]) => c.ethnic === 'A';
    expect(share((c) => white(c) && c.quintile === 5)).toBeGreaterThan(0.66);
    expect(share((c) => white(c) && c.quintile === 5)).toBeLessThan(0.84);
    expect(share((c) => white(c) && c.quintile === 1)).toBeGreaterThan(0.41);
    expect(share((c) => white(c) && c.quintile === 1)).toBeLessThan(0.59);
    expect(share((c) => !white(c)) / share(white)).toBeGreaterThan(0.7);
    expect(share((c) => !white(c)) / share(white)).toBeLessThan(0.9);
  });
});
