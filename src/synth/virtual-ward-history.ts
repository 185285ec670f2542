import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import { bulkInsert } from '../platform/db/bulk.js';
import type { Rng } from '../platform/random/seeded.js';
import { assessPews, pewsChartUsed, readObservationSet } from '../ambulatory/service.js';
import { isoDate } from './dates.js';
import { HISTORY_MONTHS } from './months.js';
import type { Row } from './writer.js';

/**
 * Five years of finished stays on the demo ward, so the service's figures
 * have something true to show.
 *
 * Rate: the seed ambulatory service cared for 174 families at home in nine
 * months (232 a year). We take it to have served about twelve hubs of about
 * 4,000 children (the hub size in the domain brief): about 4.8 stays per
 * 1,000 children a year, scaled by the children of the hubs that run the
 * ward (every hub of the demo ICS). Respiratory pathways peak in winter.
 *
 * Outcomes are drawn, then tied to the activity the generator already made,
 * so the ward's figures and the ICS's activity agree: a stay ending in
 * admission ends hours before one of the child's emergency admissions; a
 * stay with a re-attendance ends 1 to 29 days before one of their ED
 * attendances (or, for a re-attendance ending in admission, 1 to 6 days
 * before an emergency admission).
 */
export const STAYS_PER_1000_A_YEAR = 4.8;

const OUTCOMES = [['recovered-at-home', 0.89], ['admitted', 0.07], ['transferred', 0.02], ['self-discharged', 0.02]] as const;
/** Of stays that end at home: how many come back to ED within 30 days (South London: 11.1%), and back ending in admission (2.7%). */
const REATTEND = 0.09;
const REATTEND_ADMITTED = 0.027;
const ESCALATED = 0.25;
const LEVEL_WEIGHTS = [['low', 55], ['medium', 30], ['high', 12], ['emergency', 3]] as const;
const EVERY_HOURS: Record<string, number> = { bronchiolitis: 4, 'acute-respiratory': 6, asthma: 6, gastroenteritis: 4, 'neonatal-jaundice': 12, 'iv-antibiotics': 8 };
const STAY_DAYS: Record<string, number> = { bronchiolitis: 3, 'acute-respiratory': 3, asthma: 2, gastroenteritis: 2, 'neonatal-jaundice': 2, 'iv-antibiotics': 5 };
/** Share of each month's stays by calendar month (January first): bronchiolitis and respiratory illness in winter. */
const SEASON = [1.6, 1.3, 1.0, 0.8, 0.7, 0.6, 0.6, 0.6, 0.8, 1.1, 1.4, 1.7];
const RESTING = [{ underYears: 1, rr: 40, hr: 130 }, { underYears: 5, rr: 28, hr: 110 }, { underYears: 13, rr: 22, hr: 95 }, { underYears: 99, rr: 16, hr: 82 }];
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

type Child = { id: string; dob: number; practice_id: string };
type Anchor = { child_id: string; at: number };
type Ward = { id: string; nurse: string; nurse_name: string; nurse_organisation: string; responses: Record<string, { response: string; minutes: number }> };

function pathwayFor(ageDays: number, month: number, rng: Rng): string {
  if (ageDays < 28) return 'neonatal-jaundice';
  if (ageDays < 730) return rng.chance(month >= 9 || month <= 2 ? 0.8 : 0.4) ? 'bronchiolitis' : 'gastroenteritis';
  return rng.pick(['acute-respiratory', 'asthma', 'gastroenteritis', 'iv-antibiotics']);
}

/** A deterministic sample of one kind of event, in a stable order (the seed decides which are used). */
const anchors = (tx: Tx, icsId: string, test: ReturnType<typeof sql>, from: string, to: string, limit: number) => rows<{ child_id: string; at: number }>(tx, sql`
  SELECT e.child_id, (extract(epoch FROM e.occurred_at) * 1000)::float8 AS at FROM activity_event e
   WHERE e.ics_id = ${icsId}::uuid AND ${test} AND e.occurred_at >= ${from}::date + 14 AND e.occurred_at < ${to}::date
   ORDER BY md5(e.child_id::text || e.occurred_at::text) LIMIT ${limit}`);

export async function virtualWardHistory(tx: Tx, icsId: string, wardId: string, todayDays: number, rng: Rng, ids: Rng): Promise<number> {
  const [ward] = await rows<Ward>(tx, sql`SELECT w.id, r.professional_id AS nurse, p.name AS nurse_name, p.organisation_id AS nurse_organisation, w.responses FROM virtual_ward w
    JOIN ward_rota r ON r.ics_id = w.ics_id AND r.ward_id = w.id AND r.position = 0 JOIN professional p ON p.ics_id = r.ics_id AND p.id = r.professional_id
    WHERE w.ics_id = ${icsId}::uuid AND w.id = ${wardId}::uuid`);
  const children = await rows<Child>(tx, sql`SELECT id, (date_of_birth - DATE '1970-01-01') AS dob, registered_practice_id AS practice_id
    FROM child WHERE ics_id = ${icsId}::uuid ORDER BY id`);
  const gps = await rows<{ id: string; name: string; organisation_id: string }>(tx, sql`SELECT id, name, organisation_id FROM professional
    WHERE ics_id = ${icsId}::uuid AND role = 'gp' ORDER BY id`);
  if (!ward || !children.length || !gps.length) return 0;
  const gpOf = new Map(gps.map((g) => [g.organisation_id, g]));
  const byId = new Map(children.map((c) => [c.id, c]));
  const firstDay = todayDays - Math.round(HISTORY_MONTHS * 30.44);
  const total = Math.round((STAYS_PER_1000_A_YEAR * children.length * HISTORY_MONTHS) / 12 / 1000);
  const from = isoDate(firstDay);
  const to = isoDate(todayDays);
  const toAnchor = (a: { child_id: string; at: number }): Anchor => ({ child_id: a.child_id, at: Number(a.at) });
  const admissions = (await anchors(tx, icsId, sql`e.type = 'admission' AND e.emergency`, from, to, Math.ceil(total * 0.2) + 5)).map(toAnchor);
  const eds = (await anchors(tx, icsId, sql`e.type = 'ed'`, from, to, Math.ceil(total * 0.2) + 5)).map(toAnchor);
  const busy = new Map<string, [number, number][]>();
  const free = (childId: string, start: number, end: number) => !(busy.get(childId) ?? []).some(([s, e]) => start < e + 2 * DAY && end > s - 2 * DAY);
  const today = todayDays * DAY;

  const episodes: Row[] = [];
  const observations: Row[] = [];
  const escalations: Row[] = [];
  const visits: Row[] = [];
  const letters: Row[] = [];
  // Draws until the five years hold their share (a draw that lands outside a child's childhood or on another stay is drawn again).
  for (let tries = 0; episodes.length < total && tries < total * 4; tries++) {
    const outcome = OUTCOMES[rng.weighted(OUTCOMES.map(([, w]) => w))][0];
    const returns = outcome === 'recovered-at-home' && rng.chance(REATTEND + REATTEND_ADMITTED)
      ? (rng.chance(REATTEND_ADMITTED / (REATTEND + REATTEND_ADMITTED)) ? 'admitted' : 'ed') : null;
    // Where the stay ends, and whose it is: tied to an event when the outcome needs one, else any child on a seasonal day.
    let child: Child | undefined;
    let end: number;
    const anchor = outcome === 'admitted' || returns === 'admitted' ? admissions.pop() : returns === 'ed' ? eds.pop() : undefined;
    if (anchor) {
      child = byId.get(anchor.child_id);
      end = outcome === 'admitted' ? anchor.at - rng.int(1, 4) * HOUR : anchor.at - (returns === 'admitted' ? rng.int(1, 6) : rng.chance(0.45) ? rng.int(1, 6) : rng.int(8, 29)) * DAY;
    } else {
      child = children[rng.int(0, children.length - 1)];
      let day = firstDay + rng.int(0, todayDays - firstDay - 3);
      while (!rng.chance(SEASON[new Date(day * DAY).getUTCMonth()] / 1.7)) day = firstDay + rng.int(0, todayDays - firstDay - 3);
      end = day * DAY + rng.int(9, 18) * HOUR;
    }
    if (!child) continue;
    const month = new Date(end).getUTCMonth();
    const pathway = pathwayFor(Math.floor(end / DAY) - child.dob, month, rng);
    const stayHours = Math.max(12, (STAY_DAYS[pathway] + rng.int(-1, 2)) * 24 - rng.int(0, 12));
    const admitted = end - stayHours * HOUR;
    const ageDays = Math.floor(admitted / DAY) - child.dob;
    if (ageDays < 2 || ageDays >= 18 * 365 || admitted < firstDay * DAY || end > today - DAY || !free(child.id, admitted, end)) continue;
    busy.set(child.id, [...(busy.get(child.id) ?? []), [admitted, end]]);
    const gp = gpOf.get(child.practice_id) ?? gps[0];
    const id = ids.uuid();
    const referred = admitted - rng.int(2, 5) * HOUR;
    episodes.push({
      ics_id: icsId, id, ward_id: ward.id, child_id: child.id, pathway_id: pathway, pathway_version: 1, state: 'discharged', source: rng.pick(['gp', 'triage', 'ed', 'ed', 'ward-step-down']),
      reason: 'Well enough to be cared for at home with the community children’s nurses.', referred_by: gp.id, referred_by_name: gp.name,
      referred_at: new Date(referred).toISOString(), decided_by: ward.nurse, decided_by_name: ward.nurse_name, decided_at: new Date(referred + HOUR).toISOString(),
      checks: { criteriaMet: true, phone: true, transport: true, adultPresent: true, languageNeedsMet: true, consent: true, safeguardingConcerns: [] },
      consent_given_by: 'Parent (demo)', carer_worse_level: 'medium', admitted_at: new Date(admitted).toISOString(), discharged_at: new Date(end).toISOString(),
      outcome, discharge_summary: 'Cared for at home on the virtual ward.', version: 4,
    });
    letters.push(dischargeLetter(icsId, ward, child.id, id, end, today));
    // Observations through the stay; an escalated stay deteriorates once (an admitted one at the end, at high or emergency).
    const every = EVERY_HOURS[pathway] * HOUR;
    const sets = Math.max(1, Math.floor((end - admitted) / every));
    const level = outcome === 'admitted' ? (rng.chance(0.8) ? 'high' : 'emergency')
      : rng.chance(ESCALATED) ? LEVEL_WEIGHTS[rng.weighted(LEVEL_WEIGHTS.map(([, w]) => w))][0] : null;
    const worseAt = level ? (outcome === 'admitted' ? sets - 1 : rng.int(0, sets - 1)) : -1;
    const years = ageDays / 365.25;
    const rest = RESTING.find((b) => years < b.underYears)!;
    const dateOfBirth = isoDate(child.dob);
    for (let k = 0; k < sets; k++) {
      const at = admitted + k * every;
      const worse = k === worseAt;
      const given = {
        dateOfBirth, observedAt: new Date(at).toISOString(), respiratoryRate: rest.rr + rng.int(-2, 2), heartRate: rest.hr + rng.int(-5, 5),
        spo2: worse ? (level === 'low' ? 94 : 93) : rng.int(95, 99), respiratoryDistress: worse && level !== 'low' ? 'moderate' : 'none', avpu: 'A',
        carer: worse ? 'same' : rng.pick(['same', 'better']), ...(worse && level !== 'low' ? { nurseConcern: level } : {}),
      };
      const read = readObservationSet(given);
      if (!read.ok) continue;
      const result = assessPews(read.value);
      const obsId = ids.uuid();
      const carer = rng.chance(0.3);
      observations.push({
        ics_id: icsId, id: obsId, episode_id: id, child_id: child.id, observed_at: given.observedAt, recorded_at: given.observedAt,
        recorder_kind: carer ? 'carer' : 'professional', recorded_by: carer ? null : ward.nurse, recorded_by_name: carer ? 'Parent (demo)' : ward.nurse_name,
        observed: Object.fromEntries(Object.entries(given).filter(([key]) => key !== 'dateOfBirth')), score: result.score, parameters: result.parameters,
        escalation: result.escalation, reasons: result.reasons, missing: result.missing, chart_name: pewsChartUsed().name, chart_version: pewsChartUsed().version,
      });
      if (worse && result.escalation !== 'none') {
        const timer = ward.responses[result.escalation];
        escalations.push({
          ics_id: icsId, id: ids.uuid(), episode_id: id, child_id: child.id, observation_id: obsId, level: result.escalation, reasons: result.reasons,
          response: timer.response, raised_at: given.observedAt, response_due_at: new Date(at + timer.minutes * 60_000).toISOString(), owner_id: ward.nurse, rota_position: 0,
          acknowledged_by: ward.nurse, acknowledged_by_name: ward.nurse_name, acknowledged_at: new Date(at + rng.int(2, timer.minutes) * 60_000).toISOString(),
        });
      }
    }
    for (let d = 0; d * DAY < end - admitted; d++) {
      const at = admitted + d * DAY + 2 * HOUR;
      visits.push({ ics_id: icsId, id: ids.uuid(), episode_id: id, child_id: child.id, kind: d % 2 ? 'video' : 'home', due_at: new Date(at).toISOString(), scheduled_by: ward.nurse,
        done_at: new Date(at + rng.int(0, 60) * 60_000).toISOString(), done_by: ward.nurse, done_by_name: ward.nurse_name });
    }
  }
  for (const [table, all] of [['ward_episode', episodes], ['ward_observation', observations], ['ward_escalation', escalations], ['ward_visit', visits], ['record_letter', letters]] as const) {
    for (let i = 0; i < all.length; i += 5000) await bulkInsert(tx, table, all.slice(i, i + 5000));
  }
  return episodes.length;
}

/**
 * The discharge summary to the GP, filed from the stay as the discharge page
 * files it. Most are filed within hours; about one in twelve is late (26 to 60
 * hours), so the 24-hour standard has something true to show. The delay comes
 * from the stay's id, not the stays' random stream, so the stays are unchanged;
 * none is filed after the generator's today.
 */
function dischargeLetter(icsId: string, ward: Ward, childId: string, episodeId: string, dischargedAt: number, now: number): Row {
  const draw = parseInt(episodeId.slice(0, 8), 16);
  const hours = draw % 12 === 0 ? 26 + (draw % 35) : 1 + (draw % 20);
  const title = 'Discharge from the children’s virtual ward';
  return {
    ics_id: icsId, id: uuidFromEpisode(episodeId), child_id: childId, title, source: 'virtual-ward-discharge', source_id: episodeId,
    filed_by: ward.nurse, filed_by_name: ward.nurse_name, filed_by_organisation_id: ward.nurse_organisation, filed_at: new Date(Math.min(dischargedAt + hours * HOUR, now - HOUR)).toISOString(),
    body: { title, lines: [{ text: 'Cared for at home on the virtual ward.' }, { text: `${ward.nurse_name}, children’s community nursing` }] },
  };
}

/** A letter id of its own, derived from its stay's (the last block's digits reversed), so no other id moves. */
const uuidFromEpisode = (episodeId: string) => `${episodeId.slice(0, 24)}${[...episodeId.slice(24)].reverse().join('')}`;
