import type { FieldErrors } from '../platform/http/errors.js';
import { ENTRY_KINDS, type EntryKind } from './schema.js';
import { ENTRY_CODE_SYSTEM, SNOMED } from './entries.js';
import { addEntryText, type ChildContext } from './record-page.js';
import { DATE_FIELDS, DETAIL_FIELDS, SENSITIVE_OPTIONS, fieldOrder, formErrorList, statusOptions, vaccineOptions, type EntryFormValues } from './entry-form.js';
import { DISPLAY_LABELS, KIND_NOUNS } from './labels.js';
import { recordHref } from './page-access.js';

/** What the entry form and the "what do you want to add?" page show: adding an entry of a kind, or changing one. */

export const isKind = (v: unknown): v is EntryKind => typeof v === 'string' && (ENTRY_KINDS as readonly string[]).includes(v);

const radioItems = (options: { value: string; text: string }[], current: string) => options.map((o) => ({ ...o, checked: o.value === current }));

export function entryFormPage(
  ctx: ChildContext, kind: EntryKind, values: EntryFormValues, fields: FieldErrors, opts: { entryId?: string; display?: string } = {},
) {
  const editing = Boolean(opts.entryId);
  const base = recordHref(ctx.child.id);
  const errorFor = (key: string) => (fields[key] ? { text: fields[key] } : undefined);
  return {
    title: editing ? `Change ${opts.display}` : addEntryText(kind),
    heading: editing ? `Change ${KIND_NOUNS[kind].article} ${KIND_NOUNS[kind].one}` : addEntryText(kind),
    child: ctx.child,
    kind,
    action: editing ? `${base}/entries/${opts.entryId}/edit` : `${base}/entries/new?kind=${kind}`,
    cancelHref: editing ? `${base}/entries/${opts.entryId}` : `${base}#${kind}`,
    backHref: base,
    values,
    fields,
    errors: formErrorList(fields, fieldOrder(kind)),
    displayLabel: DISPLAY_LABELS[kind],
    codeLabel: ENTRY_CODE_SYSTEM[kind] ? (ENTRY_CODE_SYSTEM[kind] === SNOMED ? 'SNOMED CT code (optional)' : 'dm+d code (optional)') : null,
    vaccineItems: kind === 'immunisation' ? vaccineOptions(values.code) : undefined,
    statusItems: radioItems(statusOptions(kind, editing), values.status),
    dateLabels: DATE_FIELDS[kind],
    detailFields: DETAIL_FIELDS[kind].map((f) => ({
      ...f,
      id: `details-${f.key}`,
      value: values.details[f.key] ?? '',
      error: errorFor(`details-${f.key}`),
      items: f.options ? radioItems(Object.entries(f.options).map(([value, text]) => ({ value, text })), values.details[f.key] ?? '') : undefined,
    })),
    sensitiveItems: radioItems(SENSITIVE_OPTIONS, values.sensitiveCategory),
    editing,
  };
}

export const chooseKindPage = (ctx: ChildContext, error?: string) => ({
  title: 'What do you want to add?',
  child: ctx.child,
  backHref: recordHref(ctx.child.id),
  fields: error ? { kind: error } : {},
  errors: error ? [{ text: error, href: '#kind' }] : [],
  kindItems: ENTRY_KINDS.map((k) => ({ value: k, text: `${KIND_NOUNS[k].one.charAt(0).toUpperCase()}${KIND_NOUNS[k].one.slice(1)}` })),
});
