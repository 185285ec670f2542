import { z } from 'zod';
import type { Tx } from '../../platform/db/client.js';
import type { Actor } from '../../platform/access/actor.js';
import { recordAudit } from '../../platform/audit/audit.js';
import { auditListedChildren } from '../../platform/access/door.js';
import { RefusedAccess } from '../../platform/access/refused-access.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError, type FieldErrors } from '../../platform/http/errors.js';
import { pageWindow } from '../../platform/http/paging.js';
import { ageOn } from '../../children/index.js';
import { bringCase, nextMeetingWithRoom } from '../../mdt/service.js';
import { ownPatch, populationPolicy, required } from '../policy.js';
import { builtInRules, parseRuleForm, reasonsFor, ruleId, ruleWords, storedRule, type CaseFindingRule } from './rules.js';
import * as store from './store.js';

/**
 * Case finding: children of a hub whom the rules (data) pick out, each with
 * why, so a clinician can bring them to the hub MDT. The list names
 * children, so it is for their clinicians only (populationPolicy.findCases) and within
 * the hubs the actor leads or covers, or, for a GP, their own practice's
 * children. Every child shown is audited; a nomination asks the rules again
 * on the server and goes through the MDT's own bringCase.
 */

export const CASE_FINDING_PAGE_SIZE = 50;

const HOW_WORDS: Record<store.HubAccess, string> = {
  lead: 'lead paediatrician of the hub', cover: 'covering the hub’s triage today', practice: 'GP of the child’s registered practice',
};

const LONG_DATE = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', day: 'numeric', month: 'long', year: 'numeric' });
export const meetingDate = (at: string | Date) => LONG_DATE.format(new Date(at));

/**
 * Refused by the MDT when a nomination reached it: said on the list page
 * rather than as an error page. A refusal of the child (the door's) keeps
 * its audit as it would unwrapped: the tenant transaction rolls the rest
 * back and commits that audit.
 */
export class NominationRefused extends ForbiddenError {
  constructor(message: string, readonly refusal: RefusedAccess | null) {
    super(message);
  }

  async keepAfterRollback(tx: Tx): Promise<void> {
    await this.refusal?.keepAfterRollback(tx);
  }
}

/** The built-in rules, then the ICS's own in name order (any that no longer fit the measures are left out). */
export async function allRules(tx: Tx, icsId: string): Promise<CaseFindingRule[]> {
  const own = (await store.ownRules(tx, icsId)).map((r) => storedRule({
    id: r.id, name: r.name, criteria: r.criteria, windowMonths: r.window_months, cohort: r.cohort, noHubContact: r.no_hub_contact,
  }));
  return [...builtInRules(), ...own.filter((r): r is CaseFindingRule => r !== null)];
}

// ---- the rules page ------------------------------------------------------------------

/**
 * Every rule in words: for anyone who sees the population pages or finds
 * cases; with the name of a rule just stopped, for the page to say so.
 */
export async function rulesOverview(tx: Tx, actor: Actor, stoppedId?: string) {
  required(populationPolicy.viewCaseFindingRules(actor));
  const added = new Map((await store.ownRules(tx, actor.icsId)).map((r) => [r.id, r]));
  return {
    rules: (await allRules(tx, actor.icsId)).map((r) => ({ ...r, words: ruleWords(r), addedBy: added.get(r.id)?.changed_by_name ?? null, addedAt: added.get(r.id)?.changed_at ?? null })),
    canAdd: populationPolicy.keepMeasures(actor).allowed,
    stopped: stoppedId ? await store.stoppedRuleName(tx, actor.icsId, stoppedId) : null,
  };
}

/** Adds one of the ICS's own rules; its id comes from its name, which must not be another rule's. */
export async function addRule(tx: Tx, actor: Actor, raw: unknown): Promise<string> {
  const why = required(populationPolicy.keepMeasures(actor));
  const input = parseRuleForm(raw);
  const id = ruleId(input.name);
  const taken = 'A rule with this name already exists: choose another name';
  if (builtInRules().some((r) => r.id === id || r.name.toLowerCase() === input.name.toLowerCase())) throw new ValidationError({ name: taken });
  if (await store.ruleTaken(tx, actor.icsId, id, input.name)) throw new ValidationError({ name: taken });
  if (!(await store.insertRule(tx, actor, id, input))) throw new ValidationError({ name: taken });
  await recordAudit(tx, actor, { action: 'population.case-finding-rule-add', what: `Case-finding rule added: ${input.name}`, why, details: { id, rule: input } });
  return id;
}

/**
 * Stops using one of the ICS's own rules: it lists no more children and
 * leaves the rules page. The row stays (who added and stopped it, and its
 * name stays taken), as the audit trail refers to it. Built-in rules are
 * Joinery's, not the ICS's, to stop.
 */
export async function stopRule(tx: Tx, actor: Actor, id: string): Promise<string> {
  const why = required(populationPolicy.keepMeasures(actor));
  if (builtInRules().some((r) => r.id === id)) throw new ConflictError('Built-in rules are part of Joinery and cannot be stopped.');
  const name = await store.stopRule(tx, actor, id);
  if (name === null) throw new NotFoundError('No rule of your ICS in use has this id.');
  await recordAudit(tx, actor, { action: 'population.case-finding-rule-stop', what: `Case-finding rule stopped: ${name}`, why, details: { id } });
  return name;
}

// ---- the list ---------------------------------------------------------------------------

const listQuery = z.object({
  cluster: z.union([z.literal(''), z.guid()]).catch('invalid'),
  rule: z.string().max(60).catch('invalid'),
});

type Choice = { hub: store.ScopedHub; rules: CaseFindingRule[]; ruleId: string; all: CaseFindingRule[] };

/**
 * Which hub and rules the actor asked for. No hub named: their first. A hub
 * they may not see is refused; an unknown rule is a field error.
 */
async function choose(tx: Tx, actor: Actor, hubs: store.ScopedHub[], raw: { cluster?: unknown; rule?: unknown }): Promise<Choice> {
  const q = listQuery.parse({ cluster: raw.cluster ?? '', rule: raw.rule ?? '' });
  const fields: FieldErrors = {};
  if (q.cluster === 'invalid') fields.cluster = 'Choose a hub from the list';
  const rules = await allRules(tx, actor.icsId);
  const chosen = q.rule === '' ? rules : rules.filter((r) => r.id === q.rule);
  if (chosen.length === 0) fields.rule = 'Choose a rule from the list';
  if (Object.keys(fields).length) throw new ValidationError(fields);
  const hub = q.cluster === '' ? hubs[0] : hubs.find((h) => h.id === q.cluster.toLowerCase());
  if (!hub) throw new ForbiddenError('You can see case finding only for the hubs you lead or cover, or your own practice’s hub.');
  return { hub, rules: chosen, ruleId: q.rule, all: rules };
}

const countsOf = (keys: string[], counts: number[]) => new Map(keys.map((k, i) => [k, counts[i]]));

/** The hubs the actor may choose from, and the rules: for the list page's form, even when the list itself cannot be shown. */
export async function listChoices(tx: Tx, actor: Actor, today: string) {
  required(populationPolicy.findCases(actor));
  return { hubs: await store.hubsInScope(tx, actor.icsId, ownPatch(actor), today), rules: await allRules(tx, actor.icsId) };
}

/** A GP's list holds only their own practice's children; a paediatrician's the whole hub's. */
function practiceOf(actor: Actor): string | null {
  const patch = ownPatch(actor);
  return patch.kind === 'practice' ? patch.practiceId : null;
}

/**
 * A page of the hub's case-finding list: each child with the reasons every
 * chosen rule gives, whether they are already on an MDT case list to come,
 * and the hub's next meeting with room. Each child shown is audited.
 */
export async function caseFindingList(tx: Tx, actor: Actor, raw: { cluster?: unknown; rule?: unknown }, page: number, today: string, now = new Date()) {
  const why = required(populationPolicy.findCases(actor));
  const hubs = await store.hubsInScope(tx, actor.icsId, ownPatch(actor), today);
  if (hubs.length === 0) return { hubs, rules: await allRules(tx, actor.icsId), list: null };
  const { hub, rules, ruleId: chosenRule, all } = await choose(tx, actor, hubs, raw);
  const keys = store.countsNeeded(rules).map((n) => n.key);
  const query = { icsId: actor.icsId, clusterId: hub.id, practiceId: practiceOf(actor), rules, today };
  let found = await store.listedChildren(tx, { ...query, limit: CASE_FINDING_PAGE_SIZE, offset: (page - 1) * CASE_FINDING_PAGE_SIZE });
  let window = pageWindow(found[0]?.total ?? 0, page, CASE_FINDING_PAGE_SIZE);
  if (found.length === 0 && page > 1) {
    // Past the end: the last page instead (a second query only in that case, to learn the total).
    const [first] = await store.listedChildren(tx, { ...query, limit: 1, offset: 0 });
    window = pageWindow(first?.total ?? 0, page, CASE_FINDING_PAGE_SIZE);
    if (first) found = await store.listedChildren(tx, { ...query, limit: CASE_FINDING_PAGE_SIZE, offset: window.offset });
  }
  const brought = new Map<string, store.BroughtRow>();
  for (const b of await store.upcomingCases(tx, actor.icsId, found.map((f) => f.child_id), now)) if (!brought.has(b.child_id)) brought.set(b.child_id, b);
  const items = found.map((f) => {
    const counts = countsOf(keys, f.counts);
    const listedBy = rules.filter((_, i) => f.matched[i]).map((rule) => ({ id: rule.id, name: rule.name, reasons: reasonsFor(rule, counts) }));
    return {
      childId: f.child_id, givenName: f.given_name, familyName: f.family_name, nhsNumber: f.nhs_number, age: ageOn(f.date_of_birth, now),
      practice: f.practice_name, listedBy, brought: brought.get(f.child_id) ?? null,
    };
  });
  // Only the page shown names children: the same rule as every list that names them.
  await auditListedChildren(tx, actor, `${why}; ${HOW_WORDS[hub.how]}`, items.map((i) => ({
    childId: i.childId, action: 'population.case-finding',
    what: `Listed by case finding for ${hub.name}: ${i.listedBy.map((l) => l.name).join(', ')}`,
    details: { clusterId: hub.id, rules: i.listedBy.map((l) => l.id) },
  })));
  return { hubs, rules: all, list: { hub, ruleId: chosenRule, rules, window, items, meeting: await nextMeeting(tx, actor, hub.id, now) } };
}

/** The hub's next meeting with room (where a nomination would go), and whether the actor may bring children to it. */
async function nextMeeting(tx: Tx, actor: Actor, clusterId: string, now: Date) {
  const m = await nextMeetingWithRoom(tx, actor, clusterId, now);
  if (!m) return null;
  return {
    id: m.id, title: m.title, startsAt: m.starts_at, places: m.max_cases - m.cases,
    canBring: m.chair_id === actor.professionalId || m.lead_paediatrician_id === actor.professionalId || m.is_member,
  };
}

// ---- nominating a child for the MDT -----------------------------------------------------

const MAX_QUESTION = 1000;

/**
 * Brings a child from the list to the hub's next MDT meeting with room. The
 * rules are asked again on the server for this child, so a child who is not
 * on the list (whatever the form says) is refused, and the question carries
 * the server's reasons. The MDT's bringCase then applies its own rules
 * (membership, caring for the child, a full meeting, a child already listed).
 */
export async function nominate(tx: Tx, actor: Actor, raw: { cluster?: unknown; rule?: unknown; childId: string }, today: string, now = new Date()) {
  required(populationPolicy.findCases(actor));
  const { hub, rules } = await choose(tx, actor, await store.hubsInScope(tx, actor.icsId, ownPatch(actor), today), raw);
  const [found] = await store.listedChildren(tx, {
    icsId: actor.icsId, clusterId: hub.id, practiceId: practiceOf(actor), rules, today, childId: raw.childId, limit: 1, offset: 0,
  });
  if (!found) {
    throw new ConflictError(`This child is not on the case-finding list for ${hub.name}${rules.length === 1 ? ` (${rules[0].name})` : ''}, so they were not brought to the MDT. Bring them from the meeting’s own page with your question instead.`);
  }
  const name = `${found.given_name} ${found.family_name}`;
  const [already] = await store.upcomingCases(tx, actor.icsId, [found.child_id], now);
  if (already) throw new ConflictError(`${name} is already on the case list of ${already.title} on ${meetingDate(already.starts_at)}. Nothing was changed.`);
  const meeting = await nextMeeting(tx, actor, hub.id, now);
  if (!meeting) throw new ConflictError(`${hub.name} has no MDT meeting to come with room on its case list, so ${name} was not brought. Ask the hub’s lead paediatrician to schedule one.`);

  const counts = countsOf(store.countsNeeded(rules).map((n) => n.key), found.counts);
  const reasons = rules.filter((_, i) => found.matched[i]).map((r) => `${r.name}: ${reasonsFor(r, counts).join('; ')}`);
  const question = `Found by case finding. ${reasons.join('. ')}. What would help keep this child well at home?`;
  try {
    await bringCase(tx, actor, meeting.id, { childId: found.child_id, source: 'case-finding', question: question.length > MAX_QUESTION ? `${question.slice(0, MAX_QUESTION - 1)}…` : question }, now);
  } catch (error) {
    if (error instanceof ForbiddenError) {
      throw new NominationRefused(`You cannot bring ${name} to ${meeting.title} on ${meetingDate(meeting.startsAt)}: ${error.message} Nothing was changed.`, error instanceof RefusedAccess ? error : null);
    }
    throw error;
  }
  return { name, meetingTitle: meeting.title, startsAt: meeting.startsAt };
}

