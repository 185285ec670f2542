import type { FastifyReply, FastifyRequest } from 'fastify';
import { actorOf, inTenant, type RouteModule } from '../platform/http/app.js';
import { ConflictError, NotFoundError, ValidationError, type FieldErrors } from '../platform/http/errors.js';
import { errorSummary } from '../platform/http/validate.js';
import { bodyOf, field, fieldList, queryOf } from '../platform/http/form-body.js';
import type { WardResponses } from './schema.js';
import {
  OBSERVATION_CHOICES, RAISED_LEVELS, type PathwayRow, pathwayWithHistory, requireWardEditor, wardSettingsForm, saveCapacity, savePathway, saveResponses, saveRota, wardSetUp,
} from './ward-admin.js';

/** The ICS's set-up pages for its virtual ward: pathways, response timers, the escalation rota and capacity (ICS clinical lead and administrators). */

const BASE = '/admin/virtual-ward';
const V = 'ambulatory/views/admin';
const NOTICES: Record<string, string> = {
  pathway: 'Pathway saved. Children referred from now on follow this version; those already referred keep the version they were referred under.',
  timers: 'Response timers saved. Escalations raised or stepped up from now on use them; those already raised keep their time to respond.',
  rota: 'Rota saved. New escalations go to the first person on it, and unacknowledged ones step up through it from their current position.',
  capacity: 'Capacity saved. Occupancy is measured against it from today; earlier days keep the capacity the ward had then.',
};
type Values = Record<string, string>;
/** Spare empty places below the rota, so a person can be added without JavaScript. */
const SPARE_ROTA_PLACES = 2;

const pathwayId = (params: unknown) => {
  const id = (params as Record<string, unknown> | undefined)?.id;
  if (typeof id !== 'string' || !/^[a-z-]{1,60}$/.test(id)) throw new NotFoundError();
  return id;
};

const refused = (reply: FastifyReply, message: string, backHref: string) =>
  reply.code(409).page('platform/http/views/refused.njk', { title: 'That could not be saved', message, backHref });

const lines = (list: string[]) => list.join('\n');
const pathwayValues = (p: PathwayRow): Values => ({
  name: p.name, inclusion: lines(p.inclusion), exclusion: lines(p.exclusion), dischargeCriteria: lines(p.discharge_criteria),
  observeEveryHours: String(p.observe_every_hours), expectedStayDays: String(p.expected_stay_days), active: p.active ? 'yes' : 'no', version: String(p.version),
});
const PATHWAY_FIELDS = ['name', 'inclusion', 'exclusion', 'observations', 'observeEveryHours', 'expectedStayDays', 'dischargeCriteria', 'active', 'form'];

export const wardAdminRoutes: RouteModule = async (app, deps) => {
  await app.register(async (scope) => {
    // Everyone else is refused before any handler runs; the service checks again.
    scope.addHook('preHandler', async (req: FastifyRequest) => { requireWardEditor(actorOf(req)); });

    scope.get(BASE, async (req, reply) => {
      const s = await inTenant(deps, req, (tx, actor) => wardSetUp(tx, actor));
      const done = field(queryOf(req), 'done', 20);
      return reply.page(`${V}/ward.njk`, {
        title: 'Virtual ward set-up', ...s, levels: RAISED_LEVELS, observationWords: OBSERVATION_CHOICES, notice: NOTICES[done]
      });
    });

    const pathwayPage = async (req: FastifyRequest, reply: FastifyReply, id: string | null, state: { values?: Values; chosen?: string[]; fields?: FieldErrors; status?: number } = {}) => {
      const found = id ? await inTenant(deps, req, (tx, actor) => pathwayWithHistory(tx, actor, id)) : null;
      const values = state.values ?? (found ? pathwayValues(found.pathway) : { active: 'yes', observeEveryHours: '4', expectedStayDays: '3' });
      const chosen = state.chosen ?? found?.pathway.observations ?? [];
      const fields = state.fields ?? {};
      return reply.code(state.status ?? 200).page(`${V}/pathway.njk`, {
        title: found ? `Pathway: ${found.pathway.name}` : 'Add a pathway', backHref: BASE, id, values, fields, errors: errorSummary(fields, PATHWAY_FIELDS),
        // After a save the page says what the save means for children on the ward and those referred next.
        notice: state.status ? undefined : NOTICES[field(queryOf(req), 'done', 20)],
        current: found?.pathway, history: found?.history ?? [],
        observationItems: Object.entries(OBSERVATION_CHOICES).map(([value, text]) => ({ value, text, checked: chosen.includes(value) })),
        activeItems: [{ value: 'yes', text: 'Yes, referrals can choose it', checked: values.active === 'yes' }, { value: 'no', text: 'No, it is closed to new referrals', checked: values.active === 'no' }],
      });
    };

    const postPathway = async (req: FastifyRequest, reply: FastifyReply, id: string | null) => {
      const b = bodyOf(req);
      const values: Values = Object.fromEntries(['name', 'inclusion', 'exclusion', 'dischargeCriteria', 'observeEveryHours', 'expectedStayDays', 'active', 'version']
        .map((k) => [k, field(b, k, 7000)]));
      const chosen = fieldList(b, 'observations', 20);
      try {
        const saved = await inTenant(deps, req, (tx, actor) => savePathway(tx, actor, id, { ...values, observations: chosen }));
        return reply.redirect(`${BASE}/pathways/${saved.id}?done=pathway`, 303);
      } catch (error) {
        if (error instanceof ConflictError) return refused(reply, error.message, id ? `${BASE}/pathways/${id}` : BASE);
        if (!(error instanceof ValidationError)) throw error;
        return pathwayPage(req, reply, id, { values, chosen, fields: error.fields, status: 400 });
      }
    };

    scope.get(`${BASE}/pathways/new`, async (req, reply) => pathwayPage(req, reply, null));
    scope.post(`${BASE}/pathways`, async (req, reply) => postPathway(req, reply, null));
    scope.get(`${BASE}/pathways/:id`, async (req, reply) => pathwayPage(req, reply, pathwayId(req.params)));
    scope.post(`${BASE}/pathways/:id`, async (req, reply) => postPathway(req, reply, pathwayId(req.params)));

    const timersPage = async (req: FastifyRequest, reply: FastifyReply, state: { values?: Values; fields?: FieldErrors; status?: number } = {}) => {
      const { ward, version } = await inTenant(deps, req, (tx, actor) => wardSettingsForm(tx, actor));
      const values = state.values ?? {
        version: String(version),
        ...Object.fromEntries(RAISED_LEVELS.flatMap((l) => [[`${l}.response`, ward.responses[l].response], [`${l}.minutes`, String(ward.responses[l].minutes)]])),
      };
      const fields = state.fields ?? {};
      return reply.code(state.status ?? 200).page(`${V}/timers.njk`, {
        title: 'Escalation responses and timers', backHref: BASE, levels: RAISED_LEVELS, values, fields,
        errors: errorSummary(fields, [...RAISED_LEVELS.flatMap((l) => [`${l}.response`, `${l}.minutes`]), 'form']),
      });
    };

    scope.get(`${BASE}/timers`, async (req, reply) => timersPage(req, reply));
    scope.post(`${BASE}/timers`, async (req, reply) => {
      const b = bodyOf(req);
      const values: Values = { version: field(b, 'version', 12), ...Object.fromEntries(RAISED_LEVELS.flatMap((l) => [`${l}.response`, `${l}.minutes`].map((k) => [k, field(b, k, 300)]))) };
      const input = Object.fromEntries(RAISED_LEVELS.map((l) => [l, { response: values[`${l}.response`], minutes: values[`${l}.minutes`] }])) as unknown as WardResponses;
      try {
        await inTenant(deps, req, (tx, actor) => saveResponses(tx, actor, input, Number(values.version)));
        return reply.redirect(`${BASE}?done=timers`, 303);
      } catch (error) {
        if (error instanceof ConflictError) return refused(reply, error.message, `${BASE}/timers`);
        if (!(error instanceof ValidationError)) throw error;
        return timersPage(req, reply, { values, fields: error.fields, status: 400 });
      }
    });

    const capacityPage = async (req: FastifyRequest, reply: FastifyReply, state: { values?: Values; fields?: FieldErrors; status?: number } = {}) => {
      const { ward, version } = await inTenant(deps, req, (tx, actor) => wardSettingsForm(tx, actor));
      const values = state.values ?? { capacity: String(ward.capacity), version: String(version) };
      const fields = state.fields ?? {};
      return reply.code(state.status ?? 200).page(`${V}/capacity.njk`, {
        title: 'Capacity of the virtual ward', backHref: BASE, ward, values, fields, errors: errorSummary(fields, ['capacity', 'form']),
      });
    };

    scope.get(`${BASE}/capacity`, async (req, reply) => capacityPage(req, reply));
    scope.post(`${BASE}/capacity`, async (req, reply) => {
      const b = bodyOf(req);
      const values: Values = { capacity: field(b, 'capacity', 12), version: field(b, 'version', 12) };
      try {
        await inTenant(deps, req, (tx, actor) => saveCapacity(tx, actor, { capacity: values.capacity }, Number(values.version)));
        return reply.redirect(`${BASE}?done=capacity`, 303);
      } catch (error) {
        if (error instanceof ConflictError) return refused(reply, error.message, `${BASE}/capacity`);
        if (!(error instanceof ValidationError)) throw error;
        return capacityPage(req, reply, { values, fields: error.fields, status: 400 });
      }
    });

    const rotaPage = async (req: FastifyRequest, reply: FastifyReply, state: { chosen?: string[]; version?: string; fields?: FieldErrors; status?: number } = {}) => {
      const f = await inTenant(deps, req, (tx, actor) => wardSettingsForm(tx, actor));
      const chosen = state.chosen ?? f.rota.map((r) => r.professional_id);
      const places = [...chosen, ...Array<string>(SPARE_ROTA_PLACES).fill('')];
      const fields = state.fields ?? {};
      return reply.code(state.status ?? 200).page(`${V}/rota.njk`, {
        title: 'Escalation rota', backHref: BASE, version: state.version ?? String(f.version), fields,
        errors: errorSummary(fields, places.map((_, i) => `rota-${i}`)),
        places: places.map((p, i) => ({
          id: `rota-${i}`, label: i === 0 ? '1st: owns every new escalation' : `${i + 1}${i === 1 ? 'nd' : i === 2 ? 'rd' : 'th'}: if not acknowledged in time`,
          items: [{ value: '', text: i === 0 ? 'Choose a person' : 'No one' }, ...f.candidates.map((c) => ({ value: c.id, text: `${c.name} (${c.role === 'paediatrician' ? 'paediatrician' : 'community children’s nurse'}, ${c.organisation_name})`, selected: c.id === p }))],
        })),
      });
    };

    scope.get(`${BASE}/rota`, async (req, reply) => rotaPage(req, reply));
    scope.post(`${BASE}/rota`, async (req, reply) => {
      const b = bodyOf(req);
      const chosen = Object.keys(b).filter((k) => /^rota-\d{1,2}$/.test(k)).sort((x, y) => Number(x.slice(5)) - Number(y.slice(5))).map((k) => field(b, k, 40));
      const version = field(b, 'version', 12);
      try {
        await inTenant(deps, req, (tx, actor) => saveRota(tx, actor, chosen, Number(version)));
        return reply.redirect(`${BASE}?done=rota`, 303);
      } catch (error) {
        if (error instanceof ConflictError) return refused(reply, error.message, `${BASE}/rota`);
        if (!(error instanceof ValidationError)) throw error;
        return rotaPage(req, reply, { chosen, version, fields: error.fields, status: 400 });
      }
    });
  });
};
