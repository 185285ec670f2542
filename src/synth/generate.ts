import { sql } from 'drizzle-orm';
import { ROLE_IDS } from '../platform/access/roles.js';
import { rows, type Database, type Tx } from '../platform/db/client.js';
import { bulkInsert, bulkLoadAsOwner } from '../platform/db/bulk.js';
import { rollUpEverything } from '../population/service.js';
import { loadStarterLibrary } from '../advice/service.js';
import { ActivityGenerator } from './activity-events.js';
import { CHILD_TABLES, generateChildren } from './children.js';
import { isoDate, parseIsoDate } from './dates.js';
import { historyMonths } from './months.js';
import { NhsNumbers } from './nhs-numbers.js';
import { Rng } from '../platform/random/seeded.js';
import { demoCareModelRegister } from './care-model-register.js';
import { RecordGenerator } from './record.js';
import { CarePlanGenerator } from './care-plans.js';
import { MdtGenerator } from './mdt-meetings.js';
import { REFERRAL_TABLES, ReferralGenerator } from './referrals.js';
import { buildStructure } from './structure.js';
import { checkIntervention, chooseClusters, monthlyVariation, parseIntervention, treatment, type Intervention } from './intervention.js';
import { BatchWriter, type Row } from './writer.js';
import { feedbackRows } from './feedback.js';
import { demoCaseload, demoVirtualWard } from './virtual-ward.js';
import { virtualWardHistory } from './virtual-ward-history.js';
import { generateFamilyAccess } from './family-access.js';
import { deferIndexesOfEmptyTables } from './deferred-indexes.js';

export type SynthOptions = {
  /** 100 … 500,000 (anything from 1 to 800,000 works). */
  children: number;
  /** Same seed (and ICS name) ⇒ same ICS: same ids, names, everything. */
  seed: number;
  /** Default 'Demo ICS'; the code is derived from it and must be unused in the database. */
  icsName?: string;
  /** Default 'demo.joinery.test'; every professional's email is in it, so it must be unused too. */
  demoEmailDomain?: string;
  /** Argon2 hash given to the demo users (one per role); everyone else gets null and cannot sign in. */
  demoPasswordHash?: string | null;
  /** ISO date that ages are computed on; default today. */
  today?: string;
  /** A care model switched on in some clusters, with its effect on the activity rates (see intervention.ts). */
  intervention?: Intervention;
  /** The demo only: its register of care models (two more starts), hub teaching and checklist scores, beside the intervention. */
  careModelRegister?: boolean;
  onProgress?: (done: number, total: number, stage: string) => void;
};

export type SynthResult = {
  icsId: string;
  icsCode: string;
  /** Rows written, by table. */
  counts: Record<string, number>;
  demoUsers: { role: string; email: string; name: string }[];
  /** The clusters given the intervention's model, if there was one. */
  intervention?: { model: string; clusters: { id: string; name: string }[] };
  seconds: number;
  /** Of which summing the activity and population into the rollups. */
  rollupSeconds: number;
  /** Seconds by phase, in order (where generation's time goes; the writes of the children's tables overlap their generation). */
  phases: Record<string, number>;
};

export const DEFAULT_ICS_NAME = 'Demo ICS';
export const DEFAULT_DEMO_EMAIL_DOMAIN = 'demo.joinery.test';

/** Children per write batch: big enough to amortise a statement, small enough to keep memory flat. */
const CHILD_BATCH = 2500;
const MAX_CHILDREN = 800_000; // the 999 test range holds ~909,000 valid NHS numbers

/** "Demo ICS" → "DEMO-ICS". */
export function icsCodeFor(name: string): string {
  const code = name
    .normalize('NFD')
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 24)
    .replace(/-+$/, '');
  if (!code) throw new Error(`cannot derive an ICS code from the name "${name}"`);
  return code;
}

async function insertAll(tx: Tx, table: string, all: Row[]): Promise<void> {
  for (let i = 0; i < all.length; i += 4000) await bulkLoadAsOwner(tx, table, all.slice(i, i + 4000));
}

/**
 * Generates one synthetic ICS into the database, as the owner (row-level
 * security does not apply to the generator). Everything happens in one
 * transaction, so a failure leaves no half-built ICS behind.
 */
export async function generateIcs(db: Database, opts: SynthOptions): Promise<SynthResult> {
  const started = performance.now();
  if (!Number.isInteger(opts.children) || opts.children < 1 || opts.children > MAX_CHILDREN) {
    throw new Error(`children must be a whole number from 1 to ${MAX_CHILDREN}, got ${opts.children}`);
  }
  if (!Number.isFinite(opts.seed)) throw new Error(`seed must be a number, got ${opts.seed}`);
  const icsName = (opts.icsName ?? DEFAULT_ICS_NAME).trim();
  const icsCode = icsCodeFor(icsName);
  const domain = (opts.demoEmailDomain ?? DEFAULT_DEMO_EMAIL_DOMAIN).trim().toLowerCase();
  if (!/^[a-z0-9.-]+\.[a-z]{2,}$/.test(domain)) throw new Error(`not an email domain: "${domain}"`);
  const todayDays = parseIsoDate(opts.today ?? new Date().toISOString().slice(0, 10));
  const total = opts.children;
  // Checked in full before anything is written (InterventionError names the field).
  const iv = opts.intervention ? parseIntervention(opts.intervention) : undefined;
  if (iv) checkIntervention(iv, total, todayDays);
  const progress = opts.onProgress ?? (() => undefined);
  const phases: Record<string, number> = {};
  let mark = performance.now();
  /** The time since the last phase ended, as this one's. */
  const phase = (name: string) => {
    const now = performance.now();
    phases[name] = (phases[name] ?? 0) + (now - mark) / 1000;
    mark = now;
  };

  // Separate streams: structure and people draw from the seed alone; ids also
  // from the ICS name, so two ICSs from one seed in one database never share an id.
  const ids = new Rng(opts.seed, `ids\u0000${icsName}`);
  const structureRng = new Rng(opts.seed, 'structure');
  const childRng = new Rng(opts.seed, 'children');
  const nhs = new NhsNumbers(new Rng(opts.seed, 'nhs-numbers'));

  const result = await db.owner.transaction(async (txn) => {
    const tx = txn as unknown as Tx;
    // On Citus, the reference tables (ics, organisation, the sign-in directory) are written after
    // statements that reach many shards; in one transaction that needs one connection per
    // worker. An unused setting on plain PostgreSQL and PGlite.
    await tx.execute(sql`SET LOCAL citus.multi_shard_modify_mode TO 'sequential'`);
    const clash = await rows<{ name: string; code: string }>(
      tx,
      sql`SELECT name, code FROM ics WHERE code = ${icsCode} OR lower(name) = lower(${icsName}) LIMIT 1`,
    );
    if (clash.length > 0) {
      throw new Error(`An ICS named "${clash[0].name}" (code ${clash[0].code}) already exists; choose another icsName.`);
    }
    // The sign-in directory holds every ICS's sign-in names (decision 0034).
    const taken = await rows<{ email: string }>(
      tx,
      sql`SELECT email FROM sign_in_directory WHERE right(email, ${domain.length + 1}) = ${`@${domain}`} LIMIT 1`,
    );
    if (taken.length > 0) {
      throw new Error(`Professionals with @${domain} emails already exist (emails are global sign-in names); choose another demoEmailDomain.`);
    }

    // A bulk load inside one transaction: skip the per-row foreign-key checks
    // (superuser only, this transaction only). Every row refers to a child or
    // organisation written before it, and the tests check every reference.
    const [{ superuser }] = await rows<{ superuser: boolean }>(tx, sql`SELECT rolsuper AS superuser FROM pg_roles WHERE rolname = current_user`);
    if (superuser) await tx.execute(sql`SET LOCAL session_replication_role = replica`);

    phase('checks');
    progress(0, total, 'structure');
    const icsId = ids.uuid();
    await bulkInsert(tx, 'ics', [{ id: icsId, name: icsName, code: icsCode }]);
    const structure = buildStructure(
      { icsId, icsName, children: total, todayDays, demoEmailDomain: domain, demoPasswordHash: opts.demoPasswordHash ?? null },
      structureRng,
      ids,
    );
    const counts: Record<string, number> = { ics: 1 };
    // Each account points at its sign-in name (checked again by the generator's tests: foreign-key checks are off here).
    await insertAll(tx, 'sign_in_directory', structure.rows.professional.map((p) => ({ email: p.email, ics_id: icsId })));
    for (const [table, all] of Object.entries(structure.rows)) {
      await insertAll(tx, table, all);
      counts[table] = all.length;
    }

    phase('structure');
    const writer = new BatchWriter(tx, [...CHILD_TABLES, ...REFERRAL_TABLES]);
    // Into empty tables, their indexes are built once at the end rather than row by row (deferred-indexes.ts).
    const buildIndexes = await deferIndexesOfEmptyTables(tx, icsId, [...CHILD_TABLES, ...REFERRAL_TABLES, 'activity_event'], { citus: db.citus, server: db.kind === 'postgres' });
    // Activity draws from a stream of its own too; a care model, if any, goes
    // to clusters chosen by the seed alone.
    const chosen = iv ? chooseClusters(opts.seed, structure.clusters, iv.clusters) : [];
    const history = historyMonths(todayDays);
    const variation = iv?.monthlyVariation
      ? { byCluster: monthlyVariation(iv.monthlyVariation, structure.clusters, opts.seed, history.first, history.last), firstMonth: history.first }
      : undefined;
    const activity = new ActivityGenerator(structure, todayDays, new Rng(opts.seed, 'activity'), iv ? treatment(iv, chosen, variation) : null);
    writer.attach(activity.columns);
    // The shared record draws from streams of its own, so the rest of the ICS
    // is the same with or without it.
    const record = new RecordGenerator(structure, todayDays, new Rng(opts.seed, 'record'), new Rng(opts.seed, `record-ids\u0000${icsName}`), writer);
    // Referrals decided "discuss at the hub MDT" are listed at the hub's meetings.
    const mdt = new MdtGenerator(structure, todayDays, new Rng(opts.seed, 'mdt'), new Rng(opts.seed, `mdt-ids\u0000${icsName}`), writer);
    progress(0, total, 'children');
    await generateChildren({
      structure,
      todayDays,
      rng: childRng,
      ids,
      nhs,
      writer,
      record,
      activity,
      carePlans: new CarePlanGenerator(structure, todayDays, new Rng(opts.seed, 'care-plans'), new Rng(opts.seed, `care-plan-ids\u0000${icsName}`), writer),
      mdt,
      referrals: new ReferralGenerator(structure, todayDays, new Rng(opts.seed, 'referrals'), new Rng(opts.seed, `referral-ids\u0000${icsName}`), writer, mdt),
      batch: CHILD_BATCH,
      onBatch: (done) => progress(done, total, 'children'),
    });
    await writer.close();
    phase('children (generated and written)');
    for (const [table, seconds] of Object.entries(writer.seconds)) phases[`  writing ${table}`] = seconds;
    phases['  generation waiting for writes'] = writer.waited;
    if (await buildIndexes()) phase('indexes built after the load');
    Object.assign(counts, writer.counts);
    const feedback = feedbackRows(new Rng(opts.seed, 'feedback'), new Rng(opts.seed, `feedback-ids\u0000${icsName}`), icsId, structure.clusters, todayDays);
    await bulkInsert(tx, 'feedback_response', feedback);
    counts.feedback_response = feedback.length;
    phase('feedback');
    const wardIds = new Rng(opts.seed, `ward-ids\u0000${icsName}`);
    const wardId = await demoVirtualWard(tx, structure, icsName, wardIds);
    if (wardId) counts.ward_episode = await demoCaseload(tx, icsId, wardId, isoDate(todayDays), new Rng(opts.seed, 'virtual-ward'), wardIds);
    // Five years of finished stays, from streams of their own so today's caseload is unchanged.
    if (wardId) {
      counts.ward_episode += await virtualWardHistory(tx, icsId, wardId, todayDays, new Rng(opts.seed, 'virtual-ward-history'), new Rng(opts.seed, `ward-history-ids\u0000${icsName}`));
    }
    phase('virtual ward');
    // Families' own door (issue 16): parents' verified identities and the demo's grants.
    const family = await generateFamilyAccess(tx, {
      icsId, todayDays, domain, nhs, rng: new Rng(opts.seed, 'family-access'), ids: new Rng(opts.seed, `family-access-ids\u0000${icsName}`),
    });
    Object.assign(counts, family.counts);
    counts.related_person += family.relatedPeopleAdded;

    phase('family access');
    let intervention: SynthResult['intervention'];
    if (iv) {
      const names = new Map(structure.rows.cluster.map((r) => [r.id as string, r.name as string]));
      await bulkInsert(tx, 'care_model_implementation', chosen.map((c) => ({
        ics_id: icsId, model: iv.model, cluster_id: c.id, start_month: `${iv.start}-01`, ramp_months: iv.rampMonths, effects: iv.effects,
      })));
      counts.care_model_implementation = chosen.length;
      intervention = { model: iv.model, clusters: chosen.map((c) => ({ id: c.id, name: names.get(c.id)! })) };
      // The demo's register of care models, teaching sessions and checklist, beside the generated model's start.
      const cyp = structure.demo.get('admin');
      if (cyp && opts.careModelRegister) {
        const first = structure.rows.cluster.filter((r) => chosen.some((c) => c.id === r.id));
        const rest = structure.rows.cluster.filter((r) => !chosen.some((c) => c.id === r.id));
        Object.assign(counts, await demoCareModelRegister(tx, {
          icsId, todayDays, rng: new Rng(opts.seed, 'care-model-register'), ids: new Rng(opts.seed, `care-model-register-ids\u0000${icsName}`),
          hubModel: iv.model, hubModelStart: `${iv.start}-01`, clusters: [...first, ...rest], clusterPractices: structure.rows.cluster_practice, lead: { id: cyp.id, name: cyp.name },
        }));
        counts.care_model_implementation += 2;
      }
    }
    phase('care models');
    progress(total, total, 'rollups');
    // Statistics for the tables just filled, so the rollup's joins are planned for their real size.
    await tx.execute(sql`ANALYZE activity_event, record_entry, child, referral`);
    phase('ANALYZE');
    const rollupsStarted = performance.now();
    await rollUpEverything(tx, icsId);
    const rollupSeconds = (performance.now() - rollupsStarted) / 1000;
    phase('rollups');
    const [{ n: rollups }] = await rows<{ n: number }>(tx, sql`SELECT count(*)::int AS n FROM population_rollup WHERE ics_id = ${icsId}`);
    counts.population_rollup = rollups;
    const demoUsers = ROLE_IDS.flatMap((role) => {
      const u = structure.demo.get(role);
      return u ? [{ role, email: u.email, name: u.name }] : [];
    });
    phase('counting');
    return { icsId, icsCode, counts, demoUsers, rollupSeconds, ...(intervention ? { intervention } : {}) };
  });
  phase('commit');
  // The demonstration advice library, saved as the ICS's own pages (row-level security keeps each ICS's versions apart).
  const advice = await db.tenant(result.icsId, (tx) => loadStarterLibrary(tx, result.icsId));
  result.counts.advice_page_version = advice.saved.length;
  phase('advice library');
  progress(total, total, 'done');
  return { ...result, phases, seconds: (performance.now() - started) / 1000 };
}
