import type { EntryKind, SensitiveCategory } from './schema.js';
import { DETAIL_FIELDS, DATE_FIELDS } from './entry-form.js';
import { DISPLAY_LABELS, SENSITIVE_LABELS, statusLabel } from './labels.js';

/**
 * An entry's history in words: for each version, who changed it, when, and
 * what changed from the version before (the first version lists what was recorded).
 */

type Snapshot = {
  kind: EntryKind;
  display?: string;
  code?: string | null;
  status?: string;
  started_on?: string | null;
  ended_on?: string | null;
  details?: Record<string, unknown>;
  sensitive_category?: SensitiveCategory | null;
};

export type HistoryRow = { version: number; changed_by_name: string | null; changed_at: string | Date; snapshot: Snapshot };
export type Change = { field: string; before: string; after: string };
/** `first`: the entry as first recorded; `earliestKept`: the oldest version kept, when earlier ones came from elsewhere without a history. */
export type VersionView = { version: number; by: string | null; at: string | Date; first: boolean; earliestKept: boolean; changes: Change[] };

const dateText = (iso: string | null | undefined) => {
  if (!iso) return '';
  const d = new Date(`${String(iso).slice(0, 10)}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? String(iso) : d.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
};

/** Each field of a snapshot as a label and the words shown for its value. */
function describe(s: Snapshot): { field: string; value: string }[] {
  const kind = s.kind;
  const dates = DATE_FIELDS[kind] ?? { startedOn: 'Start date', endedOn: 'End date' };
  const out = [
    { field: DISPLAY_LABELS[kind]?.label ?? 'Description', value: s.display ?? '' },
    { field: 'Code', value: s.code ?? '' },
    { field: 'Status', value: s.status ? statusLabel(kind, s.status) : '' },
    { field: (dates.startedOn ?? 'Start date').replace(' (optional)', ''), value: dateText(s.started_on) },
    { field: (dates.endedOn ?? 'End date').replace(' (optional)', ''), value: dateText(s.ended_on) },
  ];
  const known = DETAIL_FIELDS[kind] ?? [];
  const details = s.details ?? {};
  for (const f of known) {
    const v = details[f.key];
    const text = v === undefined || v === null ? '' : f.options?.[String(v)] ?? String(v);
    out.push({ field: f.label.replace(' (optional)', ''), value: text });
  }
  for (const [k, v] of Object.entries(details)) {
    if (!known.some((f) => f.key === k)) out.push({ field: k, value: v === null || v === undefined ? '' : String(v) });
  }
  out.push({ field: 'Sensitive', value: s.sensitive_category ? SENSITIVE_LABELS[s.sensitive_category] ?? s.sensitive_category : 'No' });
  return out;
}

/** Versions newest first (as the store returns them), each with what changed from the one before. */
export function versionViews(history: HistoryRow[]): VersionView[] {
  const oldestFirst = [...history].sort((a, b) => a.version - b.version);
  const views = oldestFirst.map((h, i) => {
    const now = describe(h.snapshot);
    if (i === 0) {
      const changes = now.filter((f) => f.value).map((f) => ({ field: f.field, before: '', after: f.value }));
      return { version: h.version, by: h.changed_by_name, at: h.changed_at, first: h.version === 1, earliestKept: h.version !== 1, changes };
    }
    const before = new Map(describe(oldestFirst[i - 1].snapshot).map((f) => [f.field, f.value]));
    const changes = now.filter((f) => (before.get(f.field) ?? '') !== f.value).map((f) => ({ field: f.field, before: before.get(f.field) ?? '', after: f.value }));
    const gone = [...before.entries()].filter(([field, value]) => value && !now.some((f) => f.field === field)).map(([field, value]) => ({ field, before: value, after: '' }));
    return { version: h.version, by: h.changed_by_name, at: h.changed_at, first: false, earliestKept: false, changes: [...changes, ...gone] };
  });
  return views.reverse();
}
