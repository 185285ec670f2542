import type { AuditEvent } from '@medplum/fhirtypes';
import { policy } from '../../platform/access/policy.js';
import { openChild } from '../../platform/access/door.js';
import { AUDIT_ACTION_SYSTEM, CLIENT_ID_SYSTEM } from '../codes.js';
import { notFound } from '../outcome.js';
import * as store from '../store.js';
import { dateRange, instant, patientParam } from './common.js';
import { knownPatient } from './access.js';
import { auditCursor } from './search-params.js';
import type { Reading, ResourceHandler } from './handler.js';

/**
 * Who has seen or changed a child's record. Only events about the child as a
 * whole are served, and never their free text (what, why, details): events
 * about single entries could hint at entries the client may not see (a
 * sensitive entry's creation, a stated reason to see one), so they are held back.
 */
export const SERVED_AUDIT_ACTIONS = [
  'child.search-result', 'child.view-summary', 'child.view-access-log', 'child.break-glass', 'child.access-refused',
  'child.register', 'child.update-registration', 'record.read', 'record.read-timeline', 'record.freeze', 'record.lift-freeze',
  'fhir.read', 'fhir.search-result', 'fhir.everything', 'fhir.read-audit',
] as const;

const ACTION_CODE = (action: string): AuditEvent['action'] =>
  /search|read|view|everything|access-log/.test(action) ? 'R' : /register|create|add/.test(action) ? 'C' : /update|freeze/.test(action) ? 'U' : 'E';

function toFhir(a: store.AuditRow): AuditEvent {
  return {
    resourceType: 'AuditEvent',
    id: a.id,
    type: { system: AUDIT_ACTION_SYSTEM, code: a.action },
    action: ACTION_CODE(a.action),
    recorded: instant(a.at),
    outcome: a.action === 'child.access-refused' ? '4' : '0',
    agent: [{
      who: a.is_client
        ? { identifier: { system: CLIENT_ID_SYSTEM, value: a.professional_id! }, display: a.who_name ?? undefined }
        : a.professional_id ? { reference: `Practitioner/${a.professional_id}`, display: a.who_name ?? undefined } : { display: 'Joinery' },
      ...(a.role ? { role: [{ text: a.role }] } : {}),
      requestor: true,
    }],
    source: { observer: { display: 'Joinery' } },
    entity: [{ what: { reference: `Patient/${a.child_id}` } }],
  };
}

/** Seeing who accessed a record needs what the access log page needs; it is itself audited. */
async function mayRead(r: Reading, childId: string) {
  await openChild(r.tx, r.actor, childId, {
    rule: policy.viewAccessLog,
    refused: 'Who has accessed this record (FHIR AuditEvent)',
    audit: { action: 'fhir.read-audit', what: 'Who has accessed this record (FHIR AuditEvent)' },
  });
}

export const auditEventHandler: ResourceHandler = {
  type: 'AuditEvent',
  writable: false,
  documentation: 'Who has seen or changed a child’s record (read only): action, when, who, their role. Events about single entries and free text are not served.',
  searchParams: [
    { name: 'patient', type: 'reference', documentation: 'Required: the child (Patient/<id>).' },
    { name: 'date', type: 'date', documentation: 'When it happened (eq, ge, gt, le, lt; a day, month or year).' },
  ],
  async read(r, id) {
    if (!/^\d{1,18}$/.test(id)) throw notFound();
    const a = await store.auditEventById(r.tx, id, SERVED_AUDIT_ACTIONS);
    if (!a) throw notFound();
    await mayRead(r, a.child_id);
    return toFhir(a);
  },
  async search(r, query, page) {
    const childId = patientParam(query)!;
    await knownPatient(r, childId);
    await mayRead(r, childId);
    const { found, total, next } = await store.auditEventsOf(r.tx, r.actor.icsId, childId, SERVED_AUDIT_ACTIONS, dateRange(query, 'date'), page.count, auditCursor(page.after));
    return { resources: found.map(toFhir), total, ...(next ? { next } : {}) };
  },
  // Paged by key, newest first: a child's log can be longer than any offset cap.
  sorts: ['-date'],
};
