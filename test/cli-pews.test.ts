import { describe, expect, it, vi } from 'vitest';
import { Readable } from 'node:stream';
import { main } from '../src/main.js';

/** `joinery pews` as a virtual ward's integration (or a tester) pipes observations into it: stdout is the result alone. */
async function pews(stdin: string, args: string[] = []) {
  const out: string[] = [];
  const err: string[] = [];
  const input = vi.spyOn(process, 'stdin', 'get').mockReturnValue(Readable.from([stdin]) as unknown as typeof process.stdin);
  try {
    const code = await main(['pews', ...args], { out: (l) => void out.push(l), err: (l) => void err.push(l) });
    return { code, stdout: out.join('\n'), stderr: err.join('\n') };
  } finally {
    input.mockRestore();
  }
}

const TODDLER = {
  dateOfBirth: '2025-06-15', observedAt: '2026-06-15T09:00:00Z', respiratoryRate: 45, heartRate: 145, systolicBP: 95, spo2: 96,
  oxygen: { device: 'none' }, respiratoryDistress: 'none', capillaryRefillSeconds: 2, temperature: 37.2, avpu: 'A', carer: 'same',
};

describe('joinery pews', () => {
  it('scores one set of observations on the chart for the child\'s age and prints the result as JSON', async () => {
    const { code, stdout, stderr } = await pews(JSON.stringify(TODDLER));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    // First birthday today: scored on the 1-4 years chart (RR 45 and HR 145 are yellow there).
    expect(JSON.parse(stdout)).toEqual({
      ageBand: '1-4y', score: 2,
      parameters: { respiratoryRate: 1, heartRate: 1, systolicBP: 0, spo2: 0, oxygen: 0, respiratoryDistress: 0, capillaryRefill: 0 },
      escalation: 'low', reasons: ['PEWS 2 (1 to 4): low'], missing: [],
    });
  });

  it('puts only the observations given in parameters, names the rest as missing, and escalates on triggers', async () => {
    const { code, stdout } = await pews(JSON.stringify({ dateOfBirth: '2025-06-15', observedAt: '2026-06-15T09:00:00Z', temperature: 38.2, carer: 'worse', carerLevel: 'high' }));
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result).toMatchObject({ ageBand: '1-4y', score: 0, parameters: {}, escalation: 'high' });
    expect(result.missing).toEqual(['respiratoryRate', 'heartRate', 'systolicBP', 'spo2', 'oxygen', 'respiratoryDistress', 'capillaryRefill', 'avpu']);
    expect(result.reasons).toEqual(['Carer says the child is worse: high, the level the clinician chose', 'Temperature 38.2 °C (38 °C or above) counts towards sepsis: medium']);
  });

  it('answers an array with an array of results in the same order', async () => {
    const sets = [
      { ...TODDLER, dateOfBirth: '2011-02-11', heartRate: 135 }, // 15 years: RR 45 and HR 135 pink, systolic 95 yellow
      { dateOfBirth: '2026-01-10', observedAt: '2026-06-15T09:00:00Z' },
      { ...TODDLER, dateOfBirth: '2018-09-30', avpu: 'P' },
    ];
    const { code, stdout } = await pews(JSON.stringify(sets));
    expect(code).toBe(0);
    const results = JSON.parse(stdout);
    expect(results.map((r: { ageBand: string; score: number; escalation: string }) => [r.ageBand, r.score, r.escalation]))
      .toEqual([['13+y', 9, 'high'], ['0-11m', 0, 'none'], ['5-12y', 4, 'emergency']]);
    expect(JSON.parse((await pews('[]')).stdout)).toEqual([]);
  });

  it('says which unknown fields it ignored, on stderr, keeping stdout the result alone', async () => {
    const { code, stdout, stderr } = await pews(JSON.stringify({ ...TODDLER, heartrate: 200 }));
    expect(code).toBe(0);
    expect(JSON.parse(stdout).parameters.heartRate).toBe(1);
    expect(stderr).toBe('Ignored unknown field: heartrate.');
  });

  it('refuses bad input with the field named, exit code 2 and nothing on stdout', async () => {
    const ok = { dateOfBirth: '2025-06-15', observedAt: '2026-06-15T09:00:00Z' };
    const cases: [string, RegExp][] = [
      ['not json', /not valid JSON/],
      ['', /Nothing on standard input/],
      ['42', /must be a JSON object/],
      [JSON.stringify({ ...ok, oxygen: { device: 'venturi' } }), /oxygen\.device "venturi" is not known: use one of "none", "nasal-prongs"/],
      [JSON.stringify({ ...ok, oxygen: {} }), /oxygen\.device is required/],
      [JSON.stringify({ ...ok, respiratoryRate: -1 }), /respiratoryRate cannot be negative/],
      [JSON.stringify({ ...ok, heartRate: '145' }), /heartRate must be a number/],
      [JSON.stringify({ ...ok, oxygen: { device: 'face-mask', litresPerMinute: -2 } }), /oxygen\.litresPerMinute cannot be negative/],
      [JSON.stringify({ ...ok, oxygen: { device: 'face-mask', fio2: 0.4 } }), /oxygen\.fio2 is a percentage from 21/],
      [JSON.stringify({ ...ok, oxygen: { device: 'none', litresPerMinute: 2 } }), /oxygen\.litresPerMinute is 2 but oxygen\.device is "none"/],
      [JSON.stringify({ ...ok, spo2: 101 }), /spo2 above 100/],
      [JSON.stringify({ ...ok, avpu: 'C' }), /avpu must be one of "A", "V", "P", "U"/],
      [JSON.stringify({ ...ok, carer: 'fine' }), /carer must be one of "worse", "same", "better", "asleep", "unavailable"/],
      [JSON.stringify({ ...ok, nurseConcern: 'yes' }), /nurseConcern must be one of "none", "low", "medium", "high", "emergency"/],
      [JSON.stringify({ ...ok, respiratoryDistress: 'some' }), /respiratoryDistress must be one of/],
      [JSON.stringify({ ...ok, suspectedSepsis: 'yes' }), /suspectedSepsis must be true or false/],
      [JSON.stringify({ ...ok, observedAt: '2025-06-14T12:00:00Z' }), /observedAt \(2025-06-14\) is before dateOfBirth \(2025-06-15\)/],
      [JSON.stringify({ ...ok, dateOfBirth: '2025-02-30' }), /dateOfBirth "2025-02-30" is not a date/],
      [JSON.stringify({ ...ok, dateOfBirth: '15/06/2025' }), /dateOfBirth "15\/06\/2025" is not a date/],
      [JSON.stringify({ ...ok, observedAt: '2026-06-15T25:00:00Z' }), /observedAt "2026-06-15T25:00:00Z" is not a date and time/],
      [JSON.stringify({ observedAt: ok.observedAt }), /dateOfBirth is required/],
      [JSON.stringify({ dateOfBirth: ok.dateOfBirth }), /observedAt is required/],
      [JSON.stringify([ok, { ...ok, heartRate: -5 }, { ...ok, avpu: 'X' }]), /element 1 \(counting from 0\): heartRate cannot be negative\nelement 2 \(counting from 0\): avpu must be one of/],
    ];
    for (const [input, message] of cases) {
      const { code, stdout, stderr } = await pews(input);
      expect({ input, code, stdout, stderr }).toMatchObject({ code: 2, stdout: '', stderr: expect.stringMatching(message) });
      expect(stderr).not.toMatch(/\n\s+at /);
    }
    expect(await pews('{}', ['--child', 'x'])).toMatchObject({ code: 2, stdout: '', stderr: expect.stringContaining('takes no arguments') });
  });

  it('is listed in the help, with the inpatient caveat', async () => {
    const help: string[] = [];
    await main(['--help'], { out: (l) => void help.push(l), err: (l) => void help.push(l) });
    expect(help.join('\n')).toContain('pews < observations.json');
    const own: string[] = [];
    await main(['pews', '--help'], { out: (l) => void own.push(l), err: (l) => void own.push(l) });
    expect(own.join('\n')).toMatch(/validated for inpatients only/);
  });
});
