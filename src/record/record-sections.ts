import type { EntryKind } from './schema.js';
import type { EntryRow } from './service.js';
import { addMonths } from '../platform/time/form-dates.js';
import {
  ALLERGY_CATEGORY_LABELS, SENSITIVE_LABELS, SEVERITY_LABELS, SIGNIFICANCE_LABELS, statusLabel, statusTagClass,
} from './labels.js';

/**
 * Pure shaping of the record's entries into what each section shows: the
 * lines under an entry, the three medication lists of the Summary Care
 * Record, current and past problems. No database, no clock: today is passed in.
 */

export type EntryView = {
  id: string;
  kind: EntryKind;
  display: string;
  code: string | null;
  status: { text: string; classes: string };
  /** The sensitive category in words, when the entry is sensitive (only shown to those who may see it). */
  sensitive: string | null;
  lines: string[];
  startedOn: string | null;
  /** When only part of the start date, or the age, is known: in words, shown instead of a day. */
  startedAs: string | null;
  endedOn: string | null;
  recordedBy: string | null;
  organisation: string | null;
  recordedAt: string;
};

const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : typeof v === 'number' ? String(v) : null);

/** The kind's own details as short lines, in the words a clinician reads. */
export function detailLines(entry: Pick<EntryRow, 'kind' | 'details'>): string[] {
  const d = entry.details ?? {};
  const lines: (string | null)[] = [];
  const add = (label: string, v: unknown) => {
    const s = str(v);
    if (s) lines.push(`${label}: ${s}`);
  };
  switch (entry.kind) {
    case 'allergy':
      add('Reaction', d.reaction);
      if (str(d.severity)) lines.push(`Severity: ${SEVERITY_LABELS[d.severity as string] ?? d.severity}`);
      if (str(d.category)) lines.push(`Type: ${(ALLERGY_CATEGORY_LABELS[d.category as string] ?? String(d.category)).replace(/ \(.*\)$/, '')}`);
      break;
    case 'medication':
      if (d.course === 'repeat' || d.course === 'acute') lines.push(d.course === 'repeat' ? 'Repeat' : 'Acute');
      add('Dose', d.dose);
      add('Reason', d.reason);
      add('Stopped because', d.stopReason);
      break;
    case 'problem':
      if (str(d.significance)) lines.push(`${SIGNIFICANCE_LABELS[d.significance as string] ?? d.significance} significance`);
      break;
    case 'procedure':
      add('Outcome', d.outcome);
      break;
    case 'immunisation':
      if (str(d.doseNumber)) lines.push(`Dose ${d.doseNumber}`);
      add('Not given because', d.notDoneReason);
      break;
    case 'observation':
      if (str(d.value)) lines.push(`Value: ${d.value}${str(d.unit) ? ` ${d.unit}` : ''}`);
      add('Result', d.valueText);
      for (const c of Array.isArray(d.components) ? (d.components as Record<string, unknown>[]) : []) {
        const value = str(c.value) ? `${c.value}${str(c.unit) ? ` ${c.unit}` : ''}` : str(c.valueText);
        if (value) lines.push(`${c.display}: ${value}`);
      }
      break;
    case 'anticipatory-care':
      lines.push(str(d.text));
      break;
    case 'communication-need':
      lines.push(str(d.text));
      add('Reasonable adjustment', d.adjustment);
      break;
  }
  return lines.filter((l): l is string => l !== null);
}

export function entryView(e: EntryRow): EntryView {
  return {
    id: e.id,
    kind: e.kind,
    display: e.display,
    code: e.code,
    status: { text: statusLabel(e.kind, e.status), classes: statusTagClass(e.status) },
    sensitive: e.sensitive_category ? SENSITIVE_LABELS[e.sensitive_category] ?? e.sensitive_category : null,
    lines: detailLines(e),
    startedOn: e.started_on,
    startedAs: str(e.details?.startedAs),
    endedOn: e.ended_on,
    recordedBy: e.recorded_by_name,
    organisation: e.recording_organisation_name,
    recordedAt: e.recorded_at,
  };
}

const dayOf = (ts: string | Date) => new Date(ts).toISOString().slice(0, 10);

/**
 * The Summary Care Record's medication: current repeat medicines; acute
 * medicines started in the last 12 months; repeat medicines stopped in the
 * last 6 months. A medicine without dates is placed by when it was recorded.
 */
export function splitMedication(entries: EntryRow[], today: string) {
  const yearAgo = addMonths(today, -12);
  const sixMonthsAgo = addMonths(today, -6);
  const course = (e: EntryRow) => e.details?.course;
  return {
    currentRepeat: entries.filter((e) => course(e) === 'repeat' && e.status === 'active'),
    acuteRecent: entries.filter((e) => course(e) === 'acute' && (e.started_on ?? dayOf(e.recorded_at)) >= yearAgo),
    repeatStopped: entries.filter(
      (e) => course(e) === 'repeat' && (e.status === 'stopped' || e.status === 'completed') && (e.ended_on ?? dayOf(e.recorded_at)) >= sixMonthsAgo,
    ),
  };
}

/** Current and past: what is active now, and what was (resolved, inactive). */
export function currentAndPast(entries: EntryRow[]) {
  return {
    current: entries.filter((e) => e.status === 'active'),
    past: entries.filter((e) => e.status !== 'active'),
  };
}

/** The allergies a banner warns of: the active ones, the most severe first. */
export function allergyWarnings(entries: EntryRow[]): { display: string; severity: string | null; reaction: string | null }[] {
  const rank: Record<string, number> = { severe: 0, moderate: 1, mild: 2 };
  return entries
    .filter((e) => e.kind === 'allergy' && e.status === 'active')
    .map((e) => ({ display: e.display, severity: str(e.details?.severity), reaction: str(e.details?.reaction) }))
    .sort((a, b) => (rank[a.severity ?? ''] ?? 3) - (rank[b.severity ?? ''] ?? 3) || a.display.localeCompare(b.display));
}

/** Entries by kind, in the order the store gave them. */
export function byKind(entries: EntryRow[]): Record<EntryKind, EntryRow[]> {
  const groups = {} as Record<EntryKind, EntryRow[]>;
  for (const e of entries) (groups[e.kind] ??= []).push(e);
  return groups;
}
