import { describe, expect, it } from 'vitest';
import { readJson } from '../platform/data-files.js';
import { isSnomedConceptId } from '../record/index.js';

/**
 * The SNOMED CT concepts Joinery reads flags by (data/safeguarding-flag-codes.json):
 * each a well-formed concept id, each with the published source it was
 * checked against, and none of those found wrong (hazard H057).
 */
type Codes = { codes: { code: string; term: string; kind: string; verifiedBy: string }[]; removed: { code: string; why: string }[] };
const data = readJson('safeguarding-flag-codes.json') as Codes;

describe('the SNOMED CT codes flags are read by', () => {
  it('are each a concept id with a good check digit and a concept partition, a term, a kind and the source it was checked against', () => {
    expect(data.codes.length).toBeGreaterThan(0);
    for (const c of data.codes) {
      // Its Verhoeff check digit and concept partition (00 international, 10 an extension's such as the UK's).
      expect(isSnomedConceptId(c.code), `${c.code} is a well-formed concept id`).toBe(true);
      expect(c.term.length).toBeGreaterThan(3);
      expect(['child-protection-plan', 'looked-after', 'young-carer']).toContain(c.kind);
      expect(c.verifiedBy, c.code).toMatch(/\S{10,}/);
    }
  });

  it('leave out the concepts found wrong: 713431000000105 (found in no source) and 302767002 (cares for a relative, not a young carer)', () => {
    const listed = new Set(data.codes.map((c) => c.code));
    expect(data.removed.map((r) => r.code).sort()).toEqual(['302767002', '713431000000105']);
    for (const r of data.removed) expect(listed.has(r.code), r.code).toBe(false);
    expect(listed).toEqual(new Set(['764841000000100', '342191000000101', '818901000000100']));
  });

  it('the check refuses a mistyped id', () => {
    expect(isSnomedConceptId('342191000000101')).toBe(true);
    expect(isSnomedConceptId('342191000000102')).toBe(false);
  });
});
