import type { FastifyReply, FastifyRequest } from 'fastify';
import { inTenant, type RouteModule } from '../platform/http/app.js';
import { bodyOf, dateBoxes, field as str, fieldList } from '../platform/http/form-body.js';
import { ConflictError, ValidationError, type FieldErrors } from '../platform/http/errors.js';
import { errorSummary, idParam } from '../platform/http/validate.js';
import { letterPdf } from '../platform/http/pdf.js';
import { CARING_ROLES, ROLES } from '../platform/access/roles.js';
import { colleagues, teams } from '../children/service.js';
import { findChildren } from '../children/service.js';
import { isValidNhsNumber, normaliseNhsNumber } from '../platform/identity/nhs-number.js';
import { londonDateAndTime, londonToday, readDateParts } from '../platform/time/form-dates.js';
import { AGENCY_LABELS } from '../careplans/index.js';
import { STATUS_LABELS } from '../tasks/index.js';
import * as mdt from './service.js';
import { MAX_ACTIONS_PER_SAVE, THEMES } from './meeting-input.js';

/**
 * Hub MDT meetings: scheduling them, the members and case list, one-page
 * briefs, recording attendance and each case's outcome, the outcome letter
 * (page and PDF), and the themes that recur across cases.
 */

const list = (v: unknown): string[] => fieldList({ v }, 'v', 1000);

async function personItems(deps: Parameters<RouteModule>[1], req: FastifyRequest, current = '') {
  const people = await inTenant(deps, req, (tx) => colleagues(tx, CARING_ROLES));
  return [{ value: '', text: 'Select a person', selected: !current },
    ...people.map((p) => ({ value: p.id, text: `${p.name}, ${ROLES[p.role as keyof typeof ROLES] ?? p.role}, ${p.organisation_name}`, selected: p.id === current }))];
}

/** Teams in the same list as people: a team's value is marked, so one select asks "who will do it". */
async function teamItems(deps: Parameters<RouteModule>[1], req: FastifyRequest) {
  const all = await inTenant(deps, req, (tx) => teams(tx));
  return all.map((t) => ({ value: `team:${t.id}`, text: `Team: ${t.name}`, selected: false }));
}

const ownerOf = (value: string) => (value.startsWith('team:') ? { ownerKind: 'organisation', ownerId: value.slice(5) } : { ownerKind: 'professional', ownerId: value });

export const mdtRoutes: RouteModule = (app, deps) => {
  const today = () => londonToday();
  const conflictPage = (reply: FastifyReply, message: string, backHref: string) =>
    reply.code(409).page('mdt/views/conflict.njk', { title: 'That could not be done', message, backHref });

  app.get('/mdt', async (req, reply) => {
    const { meetings, hubs, themes } = await inTenant(deps, req, async (tx, actor) => ({
      meetings: await mdt.meetingsOf(tx, actor, today()), hubs: await mdt.hubsToSchedule(tx, actor), themes: await mdt.recurringThemes(tx, actor, today()),
    }));
    const now = Date.now();
    return reply.page('mdt/views/meetings.njk', {
      title: 'MDT meetings', upcoming: meetings.filter((m) => Date.parse(m.starts_at) >= now - 3 * 3600_000), past: meetings.filter((m) => Date.parse(m.starts_at) < now - 3 * 3600_000).reverse(),
      canSchedule: hubs.length > 0, themes,
    });
  });

  // ---------------------------------------------------------------- scheduling

  const scheduleForm = async (req: FastifyRequest, values: Record<string, unknown>, fields: FieldErrors = {}) => {
    const hubs = await inTenant(deps, req, (tx, actor) => mdt.hubsToSchedule(tx, actor));
    const anchors: Record<string, string> = { firstDate: 'firstDate-day' };
    return {
      title: 'Schedule MDT meetings', values, fields,
      errors: errorSummary(fields, ['clusterId', 'title', 'firstDate', 'time', 'durationMinutes', 'repeatWeeks', 'count', 'maxCases', 'venue']).map((e) => ({ ...e, href: `#${anchors[e.href.slice(1)] ?? e.href.slice(1)}` })),
      hubItems: hubs.map((h) => ({ value: h.id, text: h.name, checked: values.clusterId === h.id || hubs.length === 1 })),
      backHref: '/mdt',
    };
  };

  app.get('/mdt/new', async (req, reply) => reply.page('mdt/views/schedule.njk', await scheduleForm(req, {
    title: 'Hub MDT meeting', firstDate: { day: '', month: '', year: '' }, time: '13:00', durationMinutes: '90', repeatWeeks: '4', count: '6', maxCases: '8', venue: '',
  })));

  app.post('/mdt/new', async (req, reply) => {
    const b = bodyOf(req);
    const boxes = dateBoxes(b, 'firstDate');
    const date = readDateParts(boxes, 'Date of the first meeting');
    const values = { clusterId: str(b, 'clusterId', 40), title: str(b, 'title', 300), firstDate: boxes, time: str(b, 'time', 10), durationMinutes: str(b, 'durationMinutes', 6),
      repeatWeeks: str(b, 'repeatWeeks', 6), count: str(b, 'count', 6), maxCases: str(b, 'maxCases', 6), venue: str(b, 'venue', 400) };
    try {
      await inTenant(deps, req, (tx, actor) => mdt.scheduleMeetings(tx, actor, { ...values, firstDate: date.error ? 'not-a-date' : (date.iso ?? '') }, today()));
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return reply.code(400).page('mdt/views/schedule.njk', await scheduleForm(req, values, { ...error.fields, ...(date.error ? { firstDate: date.error } : {}) }));
    }
    return reply.redirect('/mdt?scheduled=1', 303);
  });

  // ---------------------------------------------------------------- one meeting

  const meetingPage = async (req: FastifyRequest, id: string, extra: Record<string, unknown> = {}) => {
    const page = await inTenant(deps, req, (tx, actor) => mdt.openMeeting(tx, actor, id));
    const suggestions = page.can.run && page.can.bring ? await inTenant(deps, req, (tx, actor) => mdt.riskList(tx, actor, id, today())) : [];
    const when = londonDateAndTime(page.meeting.starts_at);
    return {
      title: `${page.meeting.title}, ${page.meeting.cluster_name}`, ...page, when, today: today(),
      inviteItems: page.can.run ? await personItems(deps, req) : [],
      attendanceItems: page.members.map((m) => ({ value: m.professional_id, text: `${m.name}, ${ROLES[m.role as keyof typeof ROLES] ?? m.role}, ${m.organisation_name}`, checked: Boolean(m.attended) })),
      themes: THEMES, suggestions, riskThreshold: mdt.RISK_LIST_ED_ATTENDANCES, backHref: '/mdt', ...extra,
    };
  };

  app.get('/mdt/:id', async (req, reply) => reply.page('mdt/views/meeting.njk', await meetingPage(req, idParam(req.params))));

  app.post('/mdt/:id/members', async (req, reply) => {
    const id = idParam(req.params);
    const b = bodyOf(req);
    try {
      await inTenant(deps, req, (tx, actor) => mdt.inviteMember(tx, actor, id, b.professionalId, b.wholeSeries === 'yes'));
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      const fields = error.fields;
      return reply.code(400).page('mdt/views/meeting.njk', await meetingPage(req, id, { fields, errors: errorSummary(fields) }));
    }
    return reply.redirect(`/mdt/${id}#members`, 303);
  });

  app.post('/mdt/:id/members/:professionalId/remove', async (req, reply) => {
    const id = idParam(req.params);
    const professionalId = idParam(req.params, 'professionalId');
    try {
      await inTenant(deps, req, (tx, actor) => mdt.removeMember(tx, actor, id, professionalId));
    } catch (error) {
      if (error instanceof ConflictError) return conflictPage(reply, error.message, `/mdt/${id}`);
      throw error;
    }
    return reply.redirect(`/mdt/${id}#members`, 303);
  });

  // ---------------------------------------------------------------- bringing a case

  const caseForm = (id: string, values: Record<string, string>, fields: FieldErrors = {}) => ({
    title: 'Bring a child to the meeting', meetingId: id, values, fields, errors: errorSummary(fields, ['nhsNumber', 'question']), backHref: `/mdt/${id}`,
  });

  app.get('/mdt/:id/cases/new', async (req, reply) => {
    const id = idParam(req.params);
    await inTenant(deps, req, (tx, actor) => mdt.openMeeting(tx, actor, id));
    return reply.page('mdt/views/case-form.njk', caseForm(id, { nhsNumber: '', question: '' }));
  });

  app.post('/mdt/:id/cases/new', async (req, reply) => {
    const id = idParam(req.params);
    const b = bodyOf(req);
    const values = { nhsNumber: str(b, 'nhsNumber', 30), question: str(b, 'question') };
    const nhs = normaliseNhsNumber(values.nhsNumber);
    const fields: FieldErrors = {};
    if (!isValidNhsNumber(nhs)) fields.nhsNumber = values.nhsNumber.trim() ? 'Enter a valid 10-digit NHS number' : 'Enter the child’s NHS number';
    try {
      await inTenant(deps, req, async (tx, actor) => {
        const [child] = isValidNhsNumber(nhs) ? await findChildren(tx, actor, { by: 'nhs-number', nhsNumber: nhs }) : [];
        if (!child && !fields.nhsNumber) fields.nhsNumber = 'No child with this NHS number is registered in this ICS';
        if (!child) throw new ValidationError(fields);
        await mdt.bringCase(tx, actor, id, { childId: child.id, question: values.question, source: 'nomination' });
      });
    } catch (error) {
      if (error instanceof ConflictError) return conflictPage(reply, error.message, `/mdt/${id}`);
      if (!(error instanceof ValidationError)) throw error;
      const all = { ...error.fields, ...fields };
      delete all.childId;
      return reply.code(400).page('mdt/views/case-form.njk', caseForm(id, values, all));
    }
    return reply.redirect(`/mdt/${id}#cases`, 303);
  });

  app.post('/mdt/:id/cases/suggested', async (req, reply) => {
    const id = idParam(req.params);
    const childId = idParam(bodyOf(req), 'childId');
    try {
      // The count is the server's, from the risk list asked again: nothing of it comes from the form.
      await inTenant(deps, req, (tx, actor) => mdt.bringFromRiskList(tx, actor, id, childId, today()));
    } catch (error) {
      if (error instanceof ConflictError) return conflictPage(reply, error.message, `/mdt/${id}`);
      throw error;
    }
    return reply.redirect(`/mdt/${id}#cases`, 303);
  });

  // ---------------------------------------------------------------- briefs

  app.get('/mdt/:id/briefs', async (req, reply) => {
    const id = idParam(req.params);
    const { meeting, briefs } = await inTenant(deps, req, (tx, actor) => mdt.meetingBriefs(tx, actor, id, today()));
    return reply.page('mdt/views/briefs.njk', { title: `Briefs: ${meeting.title}`, meeting, briefs, agencyLabels: AGENCY_LABELS, statusLabels: STATUS_LABELS, backHref: `/mdt/${id}` });
  });

  app.get('/mdt/cases/:caseId/brief', async (req, reply) => {
    const brief = await inTenant(deps, req, (tx, actor) => mdt.caseBrief(tx, actor, idParam(req.params, 'caseId'), today()));
    return reply.page('mdt/views/briefs.njk', { title: `Brief: ${brief.child.given_name} ${brief.child.family_name}`, meeting: brief.meeting, briefs: [brief], agencyLabels: AGENCY_LABELS, statusLabels: STATUS_LABELS, backHref: `/mdt/${brief.meeting.id}` });
  });

  // ---------------------------------------------------------------- running the meeting

  app.post('/mdt/:id/attendance', async (req, reply) => {
    const id = idParam(req.params);
    await inTenant(deps, req, (tx, actor) => mdt.recordAttendance(tx, actor, id, list(bodyOf(req).attended).slice(0, 200)));
    return reply.redirect(`/mdt/${id}?attendance=1#members`, 303);
  });

  const outcomeForm = async (req: FastifyRequest, caseId: string, values: Record<string, unknown> | null, fields: FieldErrors = {}) => {
    const brief = await inTenant(deps, req, (tx, actor) => mdt.caseBrief(tx, actor, caseId, today()));
    const c = brief.case;
    const v = values ?? { discussion: c.discussion ?? '', decisions: c.decisions ?? '', themes: c.themes, otherTheme: '', version: String(c.version), actions: [] };
    const people = [...(await personItems(deps, req)), ...(await teamItems(deps, req))];
    const actions = Array.from({ length: MAX_ACTIONS_PER_SAVE }, (_, i) => {
      const a = ((v.actions as Record<string, unknown>[])[i] ?? {}) as Record<string, unknown>;
      return { index: i, description: a.description ?? '', dueOn: a.dueOn ?? { day: '', month: '', year: '' },
        ownerItems: people.map((p) => ({ ...p, selected: p.value === (a.ownerId ?? '') })),
        errors: { description: fields[`actions.${i}.description`], ownerId: fields[`actions.${i}.ownerId`], dueOn: fields[`actions.${i}.dueOn`] } };
    });
    return {
      title: `Record the discussion: ${brief.child.given_name} ${brief.child.family_name}`, brief, values: v, fields, actions,
      themeItems: THEMES.map((t) => ({ value: t, text: t, checked: (v.themes as string[]).includes(t) })),
      errors: Object.entries(fields).map(([k, text]) => ({ text, href: `#${k.replace(/\./g, '-')}${/dueOn$/.test(k) ? '-day' : ''}` })),
      backHref: `/mdt/${brief.meeting.id}`,
    };
  };

  app.get('/mdt/cases/:caseId/outcome', async (req, reply) => reply.page('mdt/views/outcome.njk', await outcomeForm(req, idParam(req.params, 'caseId'), null)));

  app.post('/mdt/cases/:caseId/outcome', async (req, reply) => {
    const caseId = idParam(req.params, 'caseId');
    const b = bodyOf(req);
    const dateErrors: FieldErrors = {};
    const actions = Array.from({ length: MAX_ACTIONS_PER_SAVE }, (_, i) => {
      const boxes = dateBoxes(b, `actions-${i}-dueOn`);
      const read = readDateParts(boxes, 'Due date');
      if (read.error) dateErrors[`actions.${i}.dueOn`] = read.error;
      return { description: str(b, `actions-${i}-description`, 2000), ownerId: str(b, `actions-${i}-ownerId`, 45), dueOn: boxes, iso: read.error ? 'not-a-date' : (read.iso ?? '') };
    });
    // An action row left wholly empty is not an action.
    const given = actions.map((a, i) => ({ a, i })).filter(({ a }) => a.description.trim() || a.ownerId || a.dueOn.day || a.dueOn.month || a.dueOn.year);
    const values = { discussion: str(b, 'discussion'), decisions: str(b, 'decisions'), themes: list(b.themes).slice(0, 20), otherTheme: str(b, 'otherTheme', 200), version: str(b, 'version', 12), actions };
    try {
      await inTenant(deps, req, (tx, actor) => mdt.recordOutcome(tx, actor, caseId, {
        ...values, actions: given.map(({ a }) => ({ description: a.description, ...ownerOf(a.ownerId), dueOn: a.iso })),
      }, values.version, today()));
    } catch (error) {
      if (error instanceof ConflictError) return conflictPage(reply, error.message, `/mdt/cases/${caseId}/outcome`);
      if (!(error instanceof ValidationError)) throw error;
      // The service numbers actions among those given; the form numbers its rows.
      const fields: FieldErrors = {};
      for (const [k, text] of Object.entries(error.fields)) {
        const m = /^actions\.(\d+)\.(.+)$/.exec(k);
        fields[m ? `actions.${given[Number(m[1])]?.i ?? m[1]}.${m[2]}` : k] = text;
      }
      for (const [k, text] of Object.entries(dateErrors)) if (given.some(({ i }) => k.startsWith(`actions.${i}.`))) fields[k] = text;
      return reply.code(400).page('mdt/views/outcome.njk', await outcomeForm(req, caseId, values, fields));
    }
    return reply.redirect(`/mdt/cases/${caseId}/letter?sent=1`, 303);
  });

  // ---------------------------------------------------------------- the letter

  app.get('/mdt/cases/:caseId/letter', async (req, reply) => {
    const caseId = idParam(req.params, 'caseId');
    const { letter, sentAt, childId } = await inTenant(deps, req, (tx, actor) => mdt.outcomeLetter(tx, actor, caseId));
    return reply.page('mdt/views/letter.njk', { title: letter.title, letter, sentAt, caseId, childId, sent: (req.query as Record<string, unknown>)?.sent === '1', backHref: '/mdt' });
  });

  app.get('/mdt/cases/:caseId/letter.pdf', async (req, reply) => {
    const caseId = idParam(req.params, 'caseId');
    const { letter } = await inTenant(deps, req, (tx, actor) => mdt.outcomeLetter(tx, actor, caseId));
    return reply.type('application/pdf').header('content-disposition', 'inline; filename="mdt-outcome-letter.pdf"').send(await letterPdf(letter));
  });
};
