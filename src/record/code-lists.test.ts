import { describe, expect, it } from 'vitest';
import { codeLists, isSnomedConceptId, medicine, medicinesInGroup, observation, procedure, vaccine } from './code-lists.js';

describe('isSnomedConceptId', () => {
  it('accepts real concept ids, short and in an extension namespace', () => {
    for (const id of ['91935009', '195967001', '27113001', '999791000000106', '39113611000001102', '322236009']) {
      expect(isSnomedConceptId(id), id).toBe(true);
    }
  });

  it('rejects a wrong check digit, a description partition, a leading zero and junk', () => {
    expect(isSnomedConceptId('91935008')).toBe(false); // check digit off by one
    expect(isSnomedConceptId('39113611000001103')).toBe(false);
    expect(isSnomedConceptId('464271012')).toBe(false); // a description id (partition 01), not a concept
    expect(isSnomedConceptId('091935009')).toBe(false);
    expect(isSnomedConceptId('12345')).toBe(false);
    expect(isSnomedConceptId('9193500X')).toBe(false);
    expect(isSnomedConceptId('')).toBe(false);
  });
});

describe('codeLists', () => {
  const lists = codeLists();

  it('loads once', () => {
    expect(codeLists()).toBe(lists);
  });

  it('has well-formed codes in every list', () => {
    const codes = [
      ...[...lists.vaccines.values()].map((v) => v.code),
      ...lists.allergies.map((a) => a.code),
      ...[...lists.observations.values()].map((o) => o.code),
      ...[...lists.medicines.values()].flatMap((m) => (m.code ? [m.code] : [])),
      ...[...lists.procedures.values()].flatMap((p) => (p.code ? [p.code] : [])),
      ...lists.contactReasons.flatMap((r) => (r.code ? [r.code] : [])),
      ...lists.sensitiveEntries.flatMap((s) => (s.code ? [s.code] : [])),
    ];
    expect(codes.length).toBeGreaterThan(60);
    for (const c of codes) expect(isSnomedConceptId(c), c).toBe(true);
  });

  it('marks every uncoded entry as unverified', () => {
    for (const m of lists.medicines.values()) if (!m.code) expect(m.verified, m.key).toBe(false);
    for (const p of lists.procedures.values()) if (!p.code) expect(p.verified, p.key).toBe(false);
  });

  it('has what the generator needs for each condition', () => {
    expect(medicinesInGroup('asthma-reliever').length).toBeGreaterThan(0);
    expect(medicinesInGroup('asthma-preventer').length).toBeGreaterThan(1);
    expect(medicinesInGroup('anti-seizure').map((m) => m.key)).toEqual(
      expect.arrayContaining(['valproate_liquid', 'levetiracetam_tablets', 'lamotrigine_25']),
    );
    expect(medicine('buccal_midazolam').group).toBe('rescue-seizure');
    expect(medicine('insulin_aspart').course).toBe('repeat');
    expect(medicine('amoxicillin_250_sf').course).toBe('acute');
    expect(observation('hba1c').unit).toBe('mmol/mol');
    expect(observation('peak_flow').code).toBe('18491006');
    expect(procedure('tonsillectomy').code).toBe('173422009');
    expect(vaccine('mmr').code).toBe('871831003');
    expect(lists.allergies.map((a) => a.key)).toEqual(expect.arrayContaining(['peanut', 'penicillin', 'egg', 'latex']));
  });

  it('throws for a key that is not shipped', () => {
    expect(() => medicine('unicorn-tears')).toThrow(/not in the shipped code lists/);
  });

  it('has a schedule whose doses all name a shipped vaccine, in dose order per vaccine and cohort', () => {
    const doses = lists.schedule.doses;
    expect(doses.length).toBeGreaterThan(20);
    for (const d of doses) expect(lists.vaccines.has(d.vaccine), d.key).toBe(true);
    expect(new Set(doses.map((d) => d.key)).size).toBe(doses.length);
    // The 2026 schedule for a baby born now: 8, 12, 16 weeks, 1 year, 18 months, 3 years 4 months, 12–13 and 14 years.
    const now = doses.filter((d) => (!d.bornFrom || '2026-06-01' >= d.bornFrom) && (!d.bornBefore || '2026-06-01' < d.bornBefore));
    expect(now.map((d) => d.key).sort()).toEqual(
      ['6in1-1', '6in1-2', '6in1-3', '6in1-4', 'hpv-1', 'menacwy', 'menb-1', 'menb-2-12w', 'menb-3', 'mmrv-1', 'mmrv-2', 'pcv-1-16w', 'pcv-2-1y',
        'preschool-booster', 'rota-1', 'rota-2', 'td-ipv'].sort(),
    );
  });
});
