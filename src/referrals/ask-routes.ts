import type { FastifyRequest } from 'fastify';
import { inTenant, type RouteModule } from '../platform/http/app.js';
import { ValidationError, type FieldErrors } from '../platform/http/errors.js';
import { errorSummary, idParam } from '../platform/http/validate.js';
import { londonToday } from '../platform/time/form-dates.js';
import { REFERRAL_KINDS, URGENCIES } from './schema.js';
import { KIND_LABELS, URGENCY_LABELS } from './labels.js';
import { describeEntry } from './attachments.js';
import { bodyOf, field, fieldList } from '../platform/http/form-body.js';
import { askingAbout, submitReferral } from './service.js';

/** A GP or practice nurse asks the hub's paediatrician for advice about a child, or refers them. */

const FIELDS = ['kind', 'urgency', 'reason', 'question', 'tried', 'attachments'];
const KIND_HINTS = {
  advice: 'A written answer from the paediatrician, usually within a working day. You can turn it into a referral later without typing it again.',
  referral: 'The paediatrician triages it: advice, the hub clinic, the MDT or another service.',
};

type Values = { kind: string; urgency: string; reason: string; question: string; tried: string; attachments: string[] };

export const askRoutes: RouteModule = (app, deps) => {
  const askPage = async (req: FastifyRequest, childId: string, values: Values, fields: FieldErrors = {}) => {
    const { child, hubName, entries } = await inTenant(deps, req, (tx, actor) => askingAbout(tx, actor, childId, londonToday()));
    // A practice with no hub is the form's problem as a whole: the summary points at the first question.
    const anchors: Record<string, string> = { childId: 'kind' };
    return {
      title: `Ask for advice or refer: ${child.given_name} ${child.family_name}`, child, hubName, values, fields, childId,
      errors: errorSummary(fields, ['childId', ...FIELDS]).map((e) => ({ ...e, href: `#${anchors[e.href.slice(1)] ?? e.href.slice(1)}` })),
      kindItems: REFERRAL_KINDS.map((k) => ({ value: k, text: KIND_LABELS[k], hint: { text: KIND_HINTS[k] }, checked: values.kind === k })),
      urgencyItems: [...URGENCIES].reverse().map((u) => ({ value: u, text: URGENCY_LABELS[u], checked: values.urgency === u })),
      entryItems: entries.map((e) => ({ value: e.id, text: describeEntry(e), checked: values.attachments.includes(e.id) })),
      backHref: `/children/${childId}`,
    };
  };

  app.get('/children/:id/referrals/new', async (req, reply) => {
    const childId = idParam(req.params);
    return reply.page('referrals/views/ask.njk', await askPage(req, childId, { kind: '', urgency: '', reason: '', question: '', tried: '', attachments: [] }));
  });

  app.post('/children/:id/referrals/new', async (req, reply) => {
    const childId = idParam(req.params);
    const b = bodyOf(req);
    const values: Values = {
      kind: field(b, 'kind', 20), urgency: field(b, 'urgency', 20), reason: field(b, 'reason', 1100), question: field(b, 'question', 1100), tried: field(b, 'tried', 2100),
      attachments: fieldList(b, 'attachments', 30),
    };
    let id: string;
    try {
      id = await inTenant(deps, req, (tx, actor) => submitReferral(tx, actor, { ...values, childId }, londonToday()));
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      // A bad ticked id is reported against the checkboxes as a whole.
      const fields = Object.fromEntries(Object.entries(error.fields).map(([k, v]) => [k.startsWith('attachments.') ? 'attachments' : k, v]));
      return reply.code(400).page('referrals/views/ask.njk', await askPage(req, childId, values, fields));
    }
    return reply.redirect(`/referrals/${id}?sent=1`, 303);
  });
};
