import { describe, expect, it } from 'vitest';
import type { EntryRow } from './service.js';
import { allergyWarnings, detailLines, splitMedication } from './record-sections.js';
import { versionViews } from './history.js';
import { paginationItems, readTimelineQuery } from './timeline-filter.js';

let n = 0;
const entry = (e: Partial<EntryRow>): EntryRow => ({
  id: `e${++n}`, child_id: 'c', kind: 'medication', code_system: null, code: null, display: `Entry ${n}`, status: 'active', started_on: null, ended_on: null,
  details: {}, sensitive_category: null, recorded_by: null, recorded_by_name: null, recording_organisation_id: null, recording_organisation_name: null,
  recorded_at: '2026-01-01T09:00:00Z', source_system: null, source_id: null, version: 1, updated_at: '2026-01-01T09:00:00Z', as_sent: null, ...e,
});

describe('shaping the record into its sections', () => {
  it('splits medication as the Summary Care Record does', () => {
    const today = '2026-11-23';
    const repeatNow = entry({ details: { course: 'repeat' }, started_on: '2020-01-01' });
    const acuteRecent = entry({ details: { course: 'acute' }, status: 'completed', started_on: '2025-11-23' });
    const acuteOld = entry({ details: { course: 'acute' }, status: 'completed', started_on: '2025-11-22' });
    const acuteUndated = entry({ details: { course: 'acute' }, status: 'completed', recorded_at: '2026-10-01T10:00:00Z' });
    const stoppedRecent = entry({ details: { course: 'repeat' }, status: 'stopped', ended_on: '2026-05-23' });
    const stoppedOld = entry({ details: { course: 'repeat' }, status: 'stopped', ended_on: '2026-05-22' });
    const split = splitMedication([repeatNow, acuteRecent, acuteOld, acuteUndated, stoppedRecent, stoppedOld], today);
    expect(split.currentRepeat).toEqual([repeatNow]);
    expect(split.acuteRecent).toEqual([acuteRecent, acuteUndated]);
    expect(split.repeatStopped).toEqual([stoppedRecent]);
  });

  it('words each kind’s details, and puts the most severe active allergy first', () => {
    expect(detailLines(entry({ kind: 'medication', details: { course: 'repeat', dose: '5 ml', reason: 'Epilepsy', stopReason: 'Rash' } })))
      .toEqual(['Repeat', 'Dose: 5 ml', 'Reason: Epilepsy', 'Stopped because: Rash']);
    expect(detailLines(entry({ kind: 'observation', details: { value: 18.4, unit: 'kg' } }))).toEqual(['Value: 18.4 kg']);
    expect(detailLines(entry({ kind: 'immunisation', details: { doseNumber: 2 } }))).toEqual(['Dose 2']);
    const warnings = allergyWarnings([
      entry({ kind: 'allergy', display: 'Egg', details: { severity: 'mild' } }),
      entry({ kind: 'allergy', display: 'Peanut', details: { severity: 'severe', reaction: 'Anaphylaxis' } }),
      entry({ kind: 'allergy', display: 'Dust', status: 'resolved' }),
    ]);
    expect(warnings.map((w) => w.display)).toEqual(['Peanut', 'Egg']);
  });

  it('tells what changed between versions, newest first', () => {
    const views = versionViews([
      { version: 2, changed_by_name: 'Dr B', changed_at: '2026-02-01T10:00:00Z', snapshot: { kind: 'allergy', display: 'Peanut', status: 'active', details: { severity: 'severe' } } },
      { version: 1, changed_by_name: 'Dr A', changed_at: '2026-01-01T10:00:00Z', snapshot: { kind: 'allergy', display: 'Peanut', status: 'active', details: { severity: 'mild', reaction: 'Hives' } } },
    ]);
    expect(views.map((v) => [v.version, v.by, v.first])).toEqual([[2, 'Dr B', false], [1, 'Dr A', true]]);
    expect(views[0].changes).toEqual([
      { field: 'Reaction', before: 'Hives', after: '' },
      { field: 'How severe is the reaction?', before: 'Mild', after: 'Severe' },
    ]);
  });

  it('reads the timeline filter and pages it, keeping the filter in every link', () => {
    const q = readTimelineQuery({ type: ['ed', 'gp', 'bogus'], 'from-day': '1', 'from-month': '2', 'from-year': '2026', page: '3' });
    expect(q.fields).toEqual({ type: 'Select types of contact from the list' });
    expect(q.filter).toEqual({ types: ['ed', 'gp'], from: '2026-02-01', to: undefined, limit: 20, offset: 40 });
    const p = paginationItems('/r', q.values, 3, 200);
    expect(p.items.map((i) => ('number' in i ? i.number : '…'))).toEqual([1, 2, 3, 4, '…', 10]);
    expect(paginationItems('/r', q.values, 1, 20).items).toEqual([]);
    expect(p.previous?.href).toBe('/r?type=ed&type=gp&from-day=1&from-month=2&from-year=2026&page=2#timeline');
    expect(readTimelineQuery({ page: '-4' }).page).toBe(1);
    expect(readTimelineQuery({ 'to-day': '1', 'to-month': '1', 'to-year': '2026', 'from-day': '2', 'from-month': '1', 'from-year': '2026' }).fields.to)
      .toBe('The to date must be the same as or after the from date');
  });
});
