import { describe, expect, it } from 'vitest';
import { dateOf, dateRange, tokenParam, single } from './common.js';
import { FhirError } from '../outcome.js';

const q = (entries: [string, string[]][]) => new Map(entries);
const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    if (e instanceof FhirError) return { status: e.status, ...e.issues[0] };
    throw e;
  }
  throw new Error('expected a refusal');
};

describe('search parameter reading', () => {
  it.each([
    [['2020-05-06'], { from: '2020-05-06', to: '2020-05-06' }],
    [['2020'], { from: '2020-01-01', to: '2020-12-31' }],
    [['2020-02'], { from: '2020-02-01', to: '2020-02-29' }],
    [['2020-12'], { from: '2020-12-01', to: '2020-12-31' }],
    [['ge2020-01-31'], { from: '2020-01-31', to: undefined }],
    [['gt2020-01-31'], { from: '2020-02-01', to: undefined }],
    [['lt2020-03'], { from: undefined, to: '2020-02-29' }],
    [['le2020'], { from: undefined, to: '2020-12-31' }],
    [['ge2019', 'lt2021'], { from: '2019-01-01', to: '2020-12-31' }],
    [['ge2020-01-01T10:00:00Z'], { from: '2020-01-01', to: undefined }],
  ])('date %j is the days %j', (values, range) => {
    expect(dateRange(q([['date', values]]), 'date')).toEqual(range);
  });

  it.each(['2020-13', '2020-02-30', 'yesterday', 'ne2020', '20200101'])('refuses the date %s', (v) => {
    expect(refusal(() => dateRange(q([['date', [v]]]), 'date'))).toMatchObject({ status: 400, expression: 'date' });
  });

  it('reads tokens with and without a system, and a code in another system matches nothing', () => {
    expect(tokenParam(q([['code', ['123']]]), 'code', ['http://snomed.info/sct'])).toBe('123');
    expect(tokenParam(q([['code', ['http://snomed.info/sct|123']]]), 'code', ['http://snomed.info/sct'])).toBe('123');
    expect(tokenParam(q([['code', ['|123']]]), 'code', ['http://snomed.info/sct'])).toBe('123');
    expect(tokenParam(q([['code', ['http://loinc.org|123']]]), 'code', ['http://snomed.info/sct'])).toBeNull();
    expect(refusal(() => tokenParam(q([['code', ['http://snomed.info/sct|']]]), 'code', []))).toMatchObject({ status: 400 });
    expect(refusal(() => single(q([['code', ['1,2']]]), 'code'))).toMatchObject({ status: 400, expression: 'code' });
  });

  it('takes whole dates from FHIR dates and dateTimes, and refuses partial or impossible ones', () => {
    expect(dateOf('2020-05-06', 'x')).toBe('2020-05-06');
    expect(dateOf('2020-05-06T23:10:00+01:00', 'x')).toBe('2020-05-06');
    expect(dateOf(undefined, 'x')).toBeNull();
    expect(refusal(() => dateOf('2020-05', 'Condition.onsetDateTime'))).toMatchObject({ status: 422, expression: 'Condition.onsetDateTime' });
    expect(refusal(() => dateOf('2021-02-29', 'x'))).toMatchObject({ status: 400, text: '2021-02-29 is not a real date.' });
  });
});
