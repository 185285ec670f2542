import type { Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import type { Relationship } from '../platform/access/relationship.js';
import { FLAG_LABELS, ageOn } from '../children/index.js';
import { RELATIONSHIP_LABELS } from '../platform/access/relationship.js';
import * as record from './service.js';
import { planBanner } from '../careplans/service.js';
import { recordPolicy } from './policy.js';
import { ENTRY_KINDS, type EntryKind } from './schema.js';
import { SECTION_TITLES } from './entries.js';
import { CONTACT_TYPE_LABELS, KIND_NOUNS, SENSITIVE_LABELS } from './labels.js';
import { allergyWarnings, byKind, currentAndPast, entryView, splitMedication } from './record-sections.js';
import { paginationItems, readTimelineQuery } from './timeline-filter.js';
import { londonToday } from '../platform/time/form-dates.js';
import { immunisationRows } from './immunisation-view.js';
import { formErrorList } from './entry-form.js';

/**
 * The shared record page: banners first (child protection or looked after,
 * allergies, a frozen record), then each section in SECTION_TITLES order, then
 * the timeline of contacts. Access is decided once per request (the record
 * service's openRecord, through platform/access/door.ts); the reads take that decision, filter sensitive
 * entries in SQL, and the page view is audited once, saying what it showed.
 */

const ENTRY_LIMIT = 1000;

export const addEntryText = (kind: EntryKind) => `Add ${KIND_NOUNS[kind].article} ${KIND_NOUNS[kind].one}`;

type Freeze = Awaited<ReturnType<typeof record.activeFreeze>>;

/** What the actor may do with this record, from the policy (the service checks again on every change). */
export function recordAbilities(actor: Actor, relationships: Relationship[], freeze: Freeze) {
  return {
    record: recordPolicy.recordEntry(actor, relationships, freeze?.frozen_by_organisation_id ?? null).allowed,
    freeze: !freeze && recordPolicy.freezeRecord(actor, relationships).allowed,
    lift: Boolean(freeze) && recordPolicy.liftFreeze(actor, relationships, freeze!.frozen_by_organisation_id).allowed,
  };
}

/** The child's name, NHS number and age, as every record page's heading shows them. */
export function childHeading(c: record.RecordAccess['child'], today = new Date()) {
  return { id: c.id, name: `${c.given_name} ${c.family_name}`, listName: `${c.family_name.toUpperCase()}, ${c.given_name}`, nhsNumber: c.nhs_number, dateOfBirth: c.date_of_birth, age: ageOn(c.date_of_birth, today) };
}

export type ChildContext = {
  /** The decision that the actor may read this child's record, made once for the request. */
  access: record.RecordAccess;
  freeze: Freeze;
  can: ReturnType<typeof recordAbilities>;
  child: ReturnType<typeof childHeading>;
};

/** What a record page other than the record itself shows of the child, as its audit says. */
export const CHILD_HEADING_SHOWN = 'name, NHS number and date of birth (a record page)';

/**
 * The child every record page is about: access decided once at the door (a
 * refusal is audited and thrown, offering emergency access where allowed),
 * and the freeze. `shown` is audited as what the page shows of the child;
 * null when the page's own read audits what it shows (the record page).
 */
export async function childContext(
  tx: Tx, actor: Actor, childId: string, shown: string | null = CHILD_HEADING_SHOWN, now = new Date(),
): Promise<ChildContext> {
  const access = await record.openRecord(tx, actor, childId);
  if (shown !== null) await record.auditRecordPage(tx, access, shown);
  const freeze = await record.activeFreeze(tx, actor.icsId, childId);
  return { access, freeze, can: recordAbilities(actor, access.relationships, freeze), child: childHeading(access.child, now) };
}

export async function recordPage(tx: Tx, actor: Actor, ctx: ChildContext, query: Record<string, unknown>, now = new Date()) {
  const { access, freeze } = ctx;
  const childId = ctx.child.id;
  const today = londonToday(now);
  const timeline = readTimelineQuery(query);
  const read = await record.readRecord(tx, access, { entryLimit: ENTRY_LIMIT, timeline: timeline.filter });
  const { entries } = read;
  const cpisFlags = read.flags.filter((f) => record.CPIS_FLAGS.includes(f.kind));
  const carePlan = await planBanner(tx, actor, access.relationships, childId);

  const groups = byKind(entries);
  const views = (list: typeof entries = []) => list.map(entryView);
  const medication = splitMedication(groups.medication ?? [], today);
  const problems = currentAndPast(groups.problem ?? []);
  const allergies = currentAndPast(groups.allergy ?? []);
  const basePath = `/children/${childId}/record`;

  const sections = ENTRY_KINDS.map((kind) => ({ kind, title: SECTION_TITLES[kind], addText: addEntryText(kind) }));
  const contactView = (c: (typeof read.contacts)[number]) => ({
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
    relationship: access.relationships[0],
    relationshipLabel: RELATIONSHIP_LABELS[access.relationships[0].kind],
    can: ctx.can,
    freeze: freeze ? { since: freeze.frozen_at, by: freeze.frozen_by_name, byOwnTeam: freeze.frozen_by_organisation_id === actor.organisationId } : null,
    carePlan,
    cpis: cpisFlags.map((f) => ({ label: FLAG_LABELS[f.kind] ?? f.kind, since: f.started_on, localAuthority: f.local_authority, ods: f.local_authority_ods })),
    socialWorkers: read.team.filter((m) => m.role === 'social-worker').map((m) => ({ name: m.name, organisation: m.organisation_name, roleInTeam: m.role_in_team })),
    unscheduled: read.unscheduled.map(contactView),
    allergyWarnings: allergyWarnings(entries),
    sections,
    addTexts: Object.fromEntries(ENTRY_KINDS.map((k) => [k, addEntryText(k)])),
    truncated: read.moreEntries,
    allergies: { current: views(allergies.current), past: views(allergies.past) },
    medication: { currentRepeat: views(medication.currentRepeat), acuteRecent: views(medication.acuteRecent), repeatStopped: views(medication.repeatStopped) },
    problems: { current: views(problems.current), past: views(problems.past) },
    procedures: views(groups.procedure),
    immunisations: { recorded: views(groups.immunisation), schedule: immunisationRows(access.child.date_of_birth, groups.immunisation ?? [], today) },
    observations: views(groups.observation),
    anticipatoryCare: views(groups['anticipatory-care']),
    communicationNeeds: views(groups['communication-need']),
    family: read.family,
    letters: read.letters,
    timeline: {
      contacts: read.contacts.map(contactView),
      total: read.contactTotal,
      page: timeline.page,
      first: timeline.filter.offset + 1,
      values: timeline.values,
      fields: timeline.fields,
      errors: formErrorList(timeline.fields, ['type', 'from', 'to']),
      pagination: paginationItems(basePath, timeline.values, timeline.page, read.contactTotal),
      filtered: Boolean(timeline.filter.types || timeline.filter.from || timeline.filter.to),
      typeOptions: Object.entries(CONTACT_TYPE_LABELS).map(([value, text]) => ({ value, text, checked: timeline.values.types.includes(value as never) })),
    },
  };
}
