import { describe, expect, it } from 'vitest';
import { vaccine } from './code-lists.js';
import { dueDays, immunisationStatus, OVERDUE_AFTER_DAYS, scheduleForBirth, type DoseState } from './immunisation-schedule.js';

const day = (iso: string) => Math.round(Date.parse(`${iso}T00:00:00Z`) / 86_400_000);
const iso = (days: number) => new Date(days * 86_400_000).toISOString().slice(0, 10);
const byKey = (states: DoseState[]) => new Map(states.map((s) => [s.key, s]));
const given = (key: string, on: string | null, status = 'completed') => ({ code: vaccine(key).code, startedOn: on, status });

describe('dueDays', () => {
  it('adds weeks, months and years on the calendar', () => {
    const dob = day('2025-01-31');
    expect(iso(dueDays(dob, { weeks: 8 }))).toBe('2025-03-28');
    expect(iso(dueDays(dob, { months: 1 }))).toBe('2025-02-28'); // no 31 February
    expect(iso(dueDays(dob, { years: 1 }))).toBe('2026-01-31');
    expect(iso(dueDays(dob, { years: 3, months: 4 }))).toBe('2028-05-31');
    expect(iso(dueDays(day('2024-02-29'), { years: 1 }))).toBe('2025-02-28');
    expect(iso(dueDays(dob, { months: 18 }))).toBe('2026-07-31');
  });
});

describe('scheduleForBirth', () => {
  it('gives a baby born now the 2026 schedule', () => {
    const keys = scheduleForBirth('2026-03-01').map((d) => d.key);
    expect(keys.slice(0, 3).sort()).toEqual(['6in1-1', 'menb-1', 'rota-1']);
    expect(keys).toContain('mmrv-1');
    expect(keys).toContain('6in1-4');
    expect(keys).not.toContain('mmr-1');
    expect(keys).not.toContain('hib-menc-1');
    expect(keys).not.toContain('5in1-1');
    expect(keys.at(-1)).toMatch(/td-ipv|menacwy/);
  });

  it('holds older children to the schedule of their own infancy', () => {
    const keys = scheduleForBirth('2010-05-01').map((d) => d.key);
    expect(keys).toEqual(expect.arrayContaining(['5in1-1', 'menc-1', 'pcv-1-8w', 'pcv-2-16w', 'hib-menc-1', 'mmr-1', 'mmr-2', 'hpv-1', 'hpv-2']));
    expect(keys).not.toContain('rota-1'); // rotavirus came in 2013
    expect(keys).not.toContain('menb-1'); // MenB in 2015
    expect(keys).not.toContain('6in1-1');
  });

  it('lists doses in the order they fall due', () => {
    for (const dob of ['2009-12-01', '2016-01-01', '2020-06-15', '2024-08-01', '2026-01-10']) {
      const d0 = day(dob);
      const dues = scheduleForBirth(dob).map((d) => dueDays(d0, d.age));
      expect(dues).toEqual([...dues].sort((a, b) => a - b));
    }
  });

  it('rejects a date that is not a date', () => {
    expect(() => scheduleForBirth('2026-02-30')).toThrow(/Date of birth/);
  });
});

describe('immunisationStatus', () => {
  it('shows a newborn with nothing due yet', () => {
    const states = immunisationStatus('2026-11-01', [], '2026-11-23');
    expect(states.length).toBeGreaterThan(10);
    expect(states.every((s) => s.status === 'not-yet-due' && s.givenOn === null)).toBe(true);
  });

  it('marks a dose due from its date and overdue more than four weeks later', () => {
    const dob = '2026-01-05'; // 8 weeks on 2026-03-02
    expect(byKey(immunisationStatus(dob, [], '2026-03-01')).get('6in1-1')!.status).toBe('not-yet-due');
    expect(byKey(immunisationStatus(dob, [], '2026-03-02')).get('6in1-1')!.status).toBe('due');
    expect(byKey(immunisationStatus(dob, [], iso(day('2026-03-02') + OVERDUE_AFTER_DAYS))).get('6in1-1')!.status).toBe('due');
    expect(byKey(immunisationStatus(dob, [], iso(day('2026-03-02') + OVERDUE_AFTER_DAYS + 1))).get('6in1-1')!.status).toBe('overdue');
  });

  it('matches given doses to the vaccine in date order, ignoring not-done and entered-in-error', () => {
    const dob = '2026-01-05';
    const states = byKey(
      immunisationStatus(
        dob,
        [
          given('six_in_one', '2026-04-01'),
          given('six_in_one', '2026-03-03'),
          given('six_in_one', '2026-03-20', 'entered-in-error'),
          given('menb', '2026-03-03'),
          given('rotavirus', null, 'not-done'),
        ],
        '2026-05-20',
      ),
    );
    expect(states.get('6in1-1')).toMatchObject({ status: 'given', givenOn: '2026-03-03', dose: 1 });
    expect(states.get('6in1-2')).toMatchObject({ status: 'given', givenOn: '2026-04-01', dose: 2 });
    expect(states.get('6in1-3')!.status).toBe('due'); // 16 weeks: 2026-04-27, within four weeks
    expect(states.get('rota-1')!.status).toBe('overdue');
    expect(states.get('menb-1')).toMatchObject({ status: 'given', givenOn: '2026-03-03' });
    expect(states.get('menb-2-12w')!.status).toBe('overdue');
    expect(states.get('mmrv-1')!.status).toBe('not-yet-due');
  });

  it('counts a completed dose without a date as given', () => {
    const states = byKey(immunisationStatus('2012-05-01', [given('mmr', '2013-05-10'), given('mmr', null)], '2026-11-23'));
    expect(states.get('mmr-1')).toMatchObject({ status: 'given', givenOn: '2013-05-10' });
    expect(states.get('mmr-2')).toMatchObject({ status: 'given', givenOn: null });
  });

  it('has every dose of a fully immunised 17-year-old given', () => {
    const dob = '2009-06-01';
    const schedule = scheduleForBirth(dob);
    const all = schedule.map((d) => given(d.vaccine, iso(dueDays(day(dob), d.age) + 3)));
    const states = immunisationStatus(dob, all, '2026-11-23');
    expect(states.every((s) => s.status === 'given')).toBe(true);
    expect(states.map((s) => s.vaccineCode)).toEqual(schedule.map((d) => vaccine(d.vaccine).code));
  });
});
