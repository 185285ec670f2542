import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { rows, type Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { recordAudit } from '../platform/audit/audit.js';
import { ValidationError, type FieldErrors } from '../platform/http/errors.js';
import { parseWithRules } from '../platform/http/validate.js';
import { parseIsoDate } from '../platform/time/calendar-days.js';
import { hubsLedBy } from '../organisations/service.js';
import { colleagues, professionalById } from '../children/service.js';
import { referralPolicy } from './policy.js';

/**
 * The triage cover rota: a hub's lead names who triages for the hub while
 * they are away, from one date to another (inclusive). Routing sends new
 * referrals to the cover on those days, and the cover sees the hub's triage
 * list. One cover a day per hub, so the rota never has two answers.
 */

/** The longest stretch one cover entry may run: longer absences are a change of lead. */
const MAX_COVER_DAYS = 92;

export type CoverRow = { id: string; cluster_id: string; cluster_name: string; cover_id: string; cover_name: string; starts_on: string; ends_on: string };

const coverShape = z.object({
  clusterId: z.guid({ error: 'Select the hub' }),
  coverId: z.guid({ error: 'Select who will cover' }),
  // Dates arrive from the route already read from their day, month and year boxes (or '' when not a date).
  startsOn: z.iso.date({ error: 'Enter the first day of cover' }),
  endsOn: z.iso.date({ error: 'Enter the last day of cover' }),
});

/** The hubs the actor leads, today's and future cover for them, and the paediatricians who may cover. */
export async function coverRota(tx: Tx, actor: Actor, today: string) {
  const hubs = await hubsLedBy(tx, actor.icsId, actor.professionalId);
  const rota = hubs.length === 0 ? [] : await rows<CoverRow>(
    tx,
    sql`SELECT tc.id, tc.cluster_id, cl.name AS cluster_name, tc.cover_id, p.name AS cover_name, tc.starts_on, tc.ends_on
          FROM triage_cover tc JOIN cluster cl ON cl.ics_id = tc.ics_id AND cl.id = tc.cluster_id
          JOIN professional p ON p.ics_id = tc.ics_id AND p.id = tc.cover_id
         WHERE tc.ics_id = ${actor.icsId}::uuid AND cl.lead_paediatrician_id = ${actor.professionalId}::uuid AND tc.ends_on >= ${today}::date
         ORDER BY tc.starts_on, cl.name LIMIT 200`,
  );
  const paediatricians = hubs.length === 0 ? [] : (await colleagues(tx, actor.icsId, ['paediatrician'])).filter((p) => p.id !== actor.professionalId);
  return { hubs, rota, paediatricians };
}

/** Adds cover for a hub the actor leads: a paediatrician of the ICS other than the lead, from today on, not overlapping other cover. */
export async function addCover(tx: Tx, actor: Actor, raw: unknown, today: string): Promise<string> {
  const input = parseWithRules(coverShape, raw, (c) => {
    const f: FieldErrors = {};
    if (c.startsOn < today) f.startsOn = 'The first day of cover must be today or later';
    if (c.endsOn < c.startsOn) f.endsOn = 'The last day of cover must be the same as or after the first day';
    else if (parseIsoDate(c.endsOn) - parseIsoDate(c.startsOn) >= MAX_COVER_DAYS) f.endsOn = `Cover can run for at most ${MAX_COVER_DAYS} days at a time`;
    return f;
  });
  const hub = (await hubsLedBy(tx, actor.icsId, actor.professionalId)).find((h) => h.id === input.clusterId);
  if (!hub) throw new ValidationError({ clusterId: 'Select a hub you lead' });
  const cover = await professionalById(tx, actor.icsId, input.coverId);
  if (!cover || !referralPolicy.triage(cover).allowed) throw new ValidationError({ coverId: 'Select a paediatrician from the list' });
  if (cover.id === actor.professionalId) throw new ValidationError({ coverId: 'Select someone other than yourself: you lead the hub' });
  // Serialise additions for one hub so two leads' tabs cannot both pass the overlap check.
  await tx.execute(sql`SELECT 1 FROM cluster WHERE ics_id = ${actor.icsId}::uuid AND id = ${hub.id}::uuid FOR UPDATE`);
  const [clash] = await rows<{ name: string; starts_on: string; ends_on: string }>(
    tx,
    sql`SELECT p.name, tc.starts_on, tc.ends_on FROM triage_cover tc JOIN professional p ON p.ics_id = tc.ics_id AND p.id = tc.cover_id
         WHERE tc.cluster_id = ${hub.id}::uuid AND tc.starts_on <= ${input.endsOn}::date AND tc.ends_on >= ${input.startsOn}::date LIMIT 1`,
  );
  if (clash) throw new ValidationError({ startsOn: `${clash.name} already covers ${hub.name} from ${clash.starts_on} to ${clash.ends_on}: choose days that do not overlap` });
  const id = crypto.randomUUID();
  await tx.execute(sql`INSERT INTO triage_cover (ics_id, id, cluster_id, cover_id, starts_on, ends_on, created_by)
    VALUES (${actor.icsId}::uuid, ${id}::uuid, ${hub.id}::uuid, ${cover.id}::uuid, ${input.startsOn}::date, ${input.endsOn}::date, ${actor.professionalId}::uuid)`);
  await recordAudit(tx, actor, { action: 'referral.cover-added', what: `Triage cover for ${hub.name}: ${cover.name}, ${input.startsOn} to ${input.endsOn}`, why: 'lead paediatrician of the hub', details: { clusterId: hub.id, coverId: cover.id } });
  return id;
}
