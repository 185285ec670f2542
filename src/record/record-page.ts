import type { Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { ForbiddenError } from '../platform/http/errors.js';
import * as children from '../children/service.js';
import { FLAG_LABELS, ageOn } from '../children/labels.js';
import { RELATIONSHIP_LABELS } from '../platform/access/relationship.js';
import * as record from './service.js';
import { recordPolicy } from './policy.js';
import { ENTRY_KINDS, UNSCHEDULED_CONTACTS, type EntryKind } from './schema.js';
import { SECTION_TITLES } from './entries.js';
import { CONTACT_TYPE_LABELS, KIND_NOUNS, SENSITIVE_LABELS } from './labels.js';
import { allergyWarnings, byKind, currentAndPast, entryView, splitMedication } from './record-sections.js';
import { paginationItems, readTimelineQuery } from './timeline-filter.js';
import { londonToday } from './form-dates.js';
import { immunisationRows } from './immunisation-view.js';
import { formErrorList } from './entry-form.js';

/**
 * The shared record page: banners first (child protection or looked after,
 * allergies, a frozen record), then each section in SECTION_TITLES order, then
 * the timeline of contacts. Everything is read through the services, which
 * check access, filter sensitive entries in SQL and write the audit.
 */

export type ChildSummary = Exclude<Awaited<ReturnType<typeof children.childSummary>>, ForbiddenError>;

/** The flags that carry CP-IS information: the local authority and the last 25 unscheduled attendances. */
const CPIS_FLAGS = ['child-protection-plan', 'looked-after'];
const ENTRY_LIMIT = 1000;

export const addEntryText = (kind: EntryKind) => `Add ${KIND_NOUNS[kind].article} ${KIND_NOUNS[kind].one}`;

/** What the actor may do with this record, from the policy (the service checks again on every change). */
export function recordAbilities(actor: Actor, summary: ChildSummary, freeze: Awaited<ReturnType<typeof record.activeFreeze>>) {
  const canFreeze = recordPolicy.freezeRecord(actor, summary.relationships).allowed;
  return {
    record: recordPolicy.recordEntry(actor, summary.relationships, freeze?.frozen_by_organisation_id ?? null).allowed,
    freeze: canFreeze && !freeze,
    lift: Boolean(freeze) && canFreeze && (freeze!.frozen_by_organisation_id === actor.organisationId || actor.role === 'privacy-officer'),
  };
}

/** The child's name, NHS number and age, as every record page's heading shows them. */
export function childHeading(summary: ChildSummary, today = new Date()) {
  const c = summary.child;
  return { id: c.id, name: `${c.given_name} ${c.family_name}`, listName: `${c.family_name.toUpperCase()}, ${c.given_name}`, nhsNumber: c.nhs_number, dateOfBirth: c.date_of_birth, age: ageOn(c.date_of_birth, today) };
}

export type ChildContext = {
  summary: ChildSummary;
  freeze: Awaited<ReturnType<typeof record.activeFreeze>>;
  can: ReturnType<typeof recordAbilities>;
  child: ReturnType<typeof childHeading>;
};

/**
 * The child every record page is about, read through the children service:
 * it checks the actor may see the child, audits the read, and returns (not
 * throws) an audited refusal that offers emergency access where allowed.
 */
export async function childContext(tx: Tx, actor: Actor, childId: string, now = new Date()): Promise<ChildContext | ForbiddenError> {
  const summary = await children.childSummary(tx, actor, childId);
  if (summary instanceof ForbiddenError) return summary;
  const freeze = await record.activeFreeze(tx, childId);
  return { summary, freeze, can: recordAbilities(actor, summary, freeze), child: childHeading(summary, now) };
}

export async function recordPage(tx: Tx, actor: Actor, ctx: ChildContext, query: Record<string, unknown>, now = new Date()) {
  const { summary, freeze } = ctx;
  const childId = ctx.child.id;
  const today = londonToday(now);
  const timeline = readTimelineQuery(query);
  const { entries, total: entryTotal } = await record.listEntries(tx, actor, childId, { limit: ENTRY_LIMIT });
  const contacts = await record.listContacts(tx, actor, childId, timeline.filter);
  const cpisFlags = summary.flags.filter((f) => CPIS_FLAGS.includes(f.kind));
  const unscheduled = cpisFlags.length
    ? (await record.listContacts(tx, actor, childId, { types: [...UNSCHEDULED_CONTACTS], limit: 25 })).contacts
    : [];

  const groups = byKind(entries);
  const views = (list: typeof entries = []) => list.map(entryView);
  const medication = splitMedication(groups.medication ?? [], today);
  const problems = currentAndPast(groups.problem ?? []);
  const allergies = currentAndPast(groups.allergy ?? []);
  const basePath = `/children/${childId}/record`;

  const sections = ENTRY_KINDS.map((kind) => ({ kind, title: SECTION_TITLES[kind], addText: addEntryText(kind) }));
  const contactView = (c: (typeof contacts.contacts)[number]) => ({
    id: c.id,
    type: CONTACT_TYPE_LABELS[c.type] ?? c.type,
    startedAt: c.started_at,
    endedAt: c.ended_at,
    organisation: c.organisation_name,
    reason: c.reason_display,
    emergency: c.emergency,
    sensitive: c.sensitive_category ? SENSITIVE_LABELS[c.sensitive_category] : null,
  });

  return {
    child: ctx.child,
    relationship: summary.relationships[0],
    relationshipLabel: RELATIONSHIP_LABELS[summary.relationships[0].kind],
    can: ctx.can,
    freeze: freeze ? { since: freeze.frozen_at, by: freeze.frozen_by_name, byOwnTeam: freeze.frozen_by_organisation_id === actor.organisationId } : null,
    cpis: cpisFlags.map((f) => ({ label: FLAG_LABELS[f.kind] ?? f.kind, since: f.started_on, localAuthority: f.local_authority, ods: f.local_authority_ods })),
    socialWorkers: summary.team.filter((m) => m.role === 'social-worker').map((m) => ({ name: m.name, organisation: m.organisation_name, roleInTeam: m.role_in_team })),
    unscheduled: unscheduled.map(contactView),
    allergyWarnings: allergyWarnings(entries),
    sections,
    addTexts: Object.fromEntries(ENTRY_KINDS.map((k) => [k, addEntryText(k)])),
    truncated: entryTotal > entries.length,
    allergies: { current: views(allergies.current), past: views(allergies.past) },
    medication: { currentRepeat: views(medication.currentRepeat), acuteRecent: views(medication.acuteRecent), repeatStopped: views(medication.repeatStopped) },
    problems: { current: views(problems.current), past: views(problems.past) },
    procedures: views(groups.procedure),
    immunisations: { recorded: views(groups.immunisation), schedule: immunisationRows(summary.child.date_of_birth, groups.immunisation ?? [], today) },
    observations: views(groups.observation),
    anticipatoryCare: views(groups['anticipatory-care']),
    communicationNeeds: views(groups['communication-need']),
    family: summary.family,
    timeline: {
      contacts: contacts.contacts.map(contactView),
      total: contacts.total,
      page: timeline.page,
      first: timeline.filter.offset + 1,
      values: timeline.values,
      fields: timeline.fields,
      errors: formErrorList(timeline.fields, ['type', 'from', 'to']),
      pagination: paginationItems(basePath, timeline.values, timeline.page, contacts.total),
      filtered: Boolean(timeline.filter.types || timeline.filter.from || timeline.filter.to),
      typeOptions: Object.entries(CONTACT_TYPE_LABELS).map(([value, text]) => ({ value, text, checked: timeline.values.types.includes(value as never) })),
    },
  };
}
