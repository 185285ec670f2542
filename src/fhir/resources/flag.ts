import type { Flag } from '@medplum/fhirtypes';
import { saveFlag } from '../../children/service.js';
import { FLAG_KINDS, FLAG_LABELS, type FlagKind } from '../../children/index.js';
import { FLAG_CATEGORY, FLAG_KIND_SYSTEM, SNOMED } from '../codes.js';
import { readJson } from '../../platform/data-files.js';
import { identifiersOf, identifiersOfEach, saveLinks } from '../links.js';
import { badRequest, unprocessable } from '../outcome.js';
import * as store from '../store.js';
import { codeIn, dateOf, inTurn, linkKeysOf, linkedMatch, metaOf, pageOf, patientParam, single } from './common.js';
import { identifiersThen, organisationThen, rowHistory } from './row-history.js';
import { requireRowVersion } from '../row-versions.js';
import { seeFound, seePatient } from './access.js';
import { keepAsSent } from './as-sent.js';
import type { Importing, Reading, ResourceHandler } from './handler.js';

const today = () => new Date().toISOString().slice(0, 10);

/** SNOMED CT concepts that mean a flag kind (data/safeguarding-flag-codes.json), for senders who code flags in SNOMED. */
const SNOMED_CODES = (readJson('safeguarding-flag-codes.json') as { codes: { code: string; term: string; kind: FlagKind }[] }).codes.filter((c) => FLAG_KINDS.includes(c.kind));
const SNOMED_KINDS = new Map(SNOMED_CODES.map((c) => [c.code, c.kind]));
/** Each concept with its checked term as display, so a sender's coding comes back as it was sent. */
const snomedOf = (kind: string) => SNOMED_CODES.filter((c) => c.kind === kind).map((c) => ({ system: SNOMED, code: c.code, display: c.term }));
const active = (f: store.FlagRow) => f.ended_on === null || f.ended_on > today();

/** A safeguarding or looked-after flag (CP-IS), with the responsible local authority as its author. */
async function toFhir(r: Reading, f: store.FlagRow): Promise<Flag> {
  return asFlag(f, await identifiersOf(r.tx, r.actor.icsId, 'Flag', f.id));
}

function asFlag(f: store.FlagRow, identifiers: { system: string; value: string }[]): Flag {
  const label = FLAG_LABELS[f.kind] ?? f.kind;
  return {
    resourceType: 'Flag',
    id: f.id,
    meta: metaOf(f.version, f.updated_at),
    ...(identifiers.length ? { identifier: identifiers } : {}),
    status: active(f) ? 'active' : 'inactive',
    category: [{ coding: [{ system: FLAG_CATEGORY, code: 'safety', display: 'Safety' }] }],
    // The SNOMED CT concept for the kind too, so a sender who coded it in SNOMED finds its code again.
    code: { coding: [{ system: FLAG_KIND_SYSTEM, code: f.kind, display: label }, ...snomedOf(f.kind)], text: label },
    subject: { reference: `Patient/${f.child_id}` },
    period: { start: f.started_on, ...(f.ended_on ? { end: f.ended_on } : {}) },
    author: f.local_authority_id ? { reference: `Organization/${f.local_authority_id}`, display: f.local_authority_name ?? undefined } : undefined,
  };
}

async function write(i: Importing, f: Flag, targetId?: string, expectedVersion?: number) {
  const subject = await i.resolve(f.subject, ['Patient'], 'Flag.subject');
  if (targetId) await requireRowVersion(i.tx, i.actor.icsId, 'child_flag', targetId, expectedVersion, `Flag/${targetId}`);
  const snomed = f.code?.coding?.find((c) => c.system === SNOMED && c.code && SNOMED_KINDS.has(c.code))?.code;
  const kind = codeIn(f.code, FLAG_KIND_SYSTEM) ?? (snomed ? SNOMED_KINDS.get(snomed) : undefined);
  if (!kind) {
    throw unprocessable(`Code the flag in ${FLAG_KIND_SYSTEM} (${FLAG_KINDS.join(', ')}) or in SNOMED CT (${[...SNOMED_KINDS.keys()].join(', ')}).`, 'Flag.code');
  }
  if (f.status === 'entered-in-error') throw unprocessable('A flag entered in error is ended by the local authority’s own system; Joinery does not delete flags.', 'Flag.status');
  const startedOn = dateOf(f.period?.start, 'Flag.period.start');
  if (!startedOn) throw unprocessable('Give when the flag started.', 'Flag.period.start');
  const endedOn = dateOf(f.period?.end, 'Flag.period.end');
  if (f.status === 'inactive' && !endedOn) throw unprocessable('Give when an inactive flag ended.', 'Flag.period.end');
  const author = f.author ? await i.resolve(f.author, ['Organization'], 'Flag.author') : undefined;
  const { warnings } = await keepAsSent(i, f, { mapped: ['identifier', 'status', 'category', 'code', 'subject', 'period', 'author'], kept: [] });
  const keys = linkKeysOf(i, f, targetId);
  const matchId = await linkedMatch(i, 'Flag', keys, targetId);
  const saved = await saveFlag(i.tx, i.actor, subject.id, { kind: kind as FlagKind, startedOn, endedOn, localAuthorityId: author?.id ?? null }, { matchId, today: i.today });
  await saveLinks(i.tx, i.actor.icsId, 'Flag', saved.flagId, keys);
  return { id: saved.flagId, outcome: saved.outcome, ...(warnings.length ? { warnings } : {}) };
}

const WHAT = 'Safeguarding flags (FHIR Flag)';

async function ofChild(r: Reading, childId: string) {
  await seePatient(r, childId, WHAT);
  return inTurn(await store.flags(r.tx, { childId }), (f) => toFhir(r, f));
}

const PATHS: Record<string, string> = { kind: 'Flag.code', startedOn: 'Flag.period.start', endedOn: 'Flag.period.end', localAuthorityId: 'Flag.author' };

export const flagHandler: ResourceHandler = {
  type: 'Flag',
  writable: true,
  documentation: `Child protection plan, looked-after and young carer flags (CP-IS), coded in ${FLAG_KIND_SYSTEM}; author is the responsible local authority.`,
  searchParams: [
    { name: 'patient', type: 'reference', documentation: 'Required: the child (Patient/<id>).' },
    { name: 'status', type: 'token', documentation: 'active or inactive.' },
  ],
  read: async (r, id) => toFhir(r, await seeFound(r, store.flags(r.tx, { id }), WHAT)),
  async search(r, query, page) {
    const status = single(query, 'status');
    if (status !== undefined && status !== 'active' && status !== 'inactive') throw badRequest('status must be active or inactive.', 'status');
    const all = (await ofChild(r, patientParam(query)!)).filter((f) => !status || f.status === status);
    return pageOf(all, page);
  },
  everything: ofChild,
  async everyChild(r) {
    const found = await store.flags(r.tx, { icsId: r.actor.icsId, childIds: r.accesses.map((a) => a.childId) });
    const identifiers = await identifiersOfEach(r.tx, r.actor.icsId, 'Flag', found.map((f) => f.id));
    return found.map((f) => asFlag(f, identifiers.get(f.id) ?? []));
  },
  write: (i, resource, targetId, expectedVersion) => write(i, resource as Flag, targetId, expectedVersion),
  fieldPath: (field) => PATHS[field],
  versioned: true,
  // Status follows the calendar: a flag ending after its version was written is active, then inactive, at one version.
  changesWithTime: (resource) => {
    const { period, meta } = resource as Flag;
    return !!period?.end && !!meta?.lastUpdated && period.end > meta.lastUpdated.slice(0, 10);
  },
  async history(r, id) {
    const current = await flagHandler.read(r, id);
    return rowHistory(r, current, 'child_flag', id, (snapshot, kept) => {
      const authority = organisationThen(snapshot);
      return asFlag({
        ...(snapshot as unknown as store.FlagRow), version: kept.version, updated_at: kept.written_at,
        local_authority_name: authority?.name ?? null, local_authority_ods: authority?.ods_code ?? null,
      }, identifiersThen(snapshot));
    });
  },
};
