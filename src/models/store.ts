import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import type { ModelEntry } from './entry.js';
import { EMPTY_CONFIGURATION } from './entry.js';

/** The register's rows. Hub starts are population's (care_model_implementation), read through its service. */

export type StoredModel = ModelEntry & { version: number };

type Row = { name: string; title: string; type: ModelEntry['type']; configuration: Partial<ModelEntry['configuration']>; mechanisms: ModelEntry['mechanisms'];
  early_indicators: string[]; final_outcomes: string[]; version: number };

const stored = (r: Row): StoredModel => ({
  name: r.name, title: r.title, type: r.type, configuration: { ...EMPTY_CONFIGURATION, ...r.configuration },
  mechanisms: r.mechanisms, earlyIndicators: r.early_indicators, finalOutcomes: r.final_outcomes, version: r.version,
});

const SELECT = sql`SELECT name, title, type, configuration, mechanisms, early_indicators, final_outcomes, version FROM care_model`;

export async function registeredModels(tx: Tx, icsId: string): Promise<StoredModel[]> {
  return (await rows<Row>(tx, sql`${SELECT} WHERE ics_id = ${icsId}::uuid ORDER BY title, name`)).map(stored);
}

export async function registeredModel(tx: Tx, icsId: string, name: string): Promise<StoredModel | undefined> {
  const [found] = await rows<Row>(tx, sql`${SELECT} WHERE ics_id = ${icsId}::uuid AND name = ${name}`);
  return found && stored(found);
}

const json = (v: unknown) => sql`${JSON.stringify(v)}::jsonb`;

/** Adds an entry; false when one of that name is there already. */
export async function insertModel(tx: Tx, actor: Actor, e: ModelEntry): Promise<boolean> {
  const added = await rows<{ name: string }>(
    tx,
    sql`INSERT INTO care_model (ics_id, name, title, type, configuration, mechanisms, early_indicators, final_outcomes, changed_by, changed_by_name)
        VALUES (${actor.icsId}::uuid, ${e.name}, ${e.title}, ${e.type}, ${json(e.configuration)}, ${json(e.mechanisms)}, ${json(e.earlyIndicators)},
                ${json(e.finalOutcomes)}, ${actor.professionalId}::uuid, ${actor.name})
        ON CONFLICT DO NOTHING RETURNING name`,
  );
  return added.length === 1;
}

/** Rewrites an entry if it is still at the version the person saw; the new version, or null when it was not. */
export async function updateModel(tx: Tx, actor: Actor, e: ModelEntry, seenVersion: number): Promise<number | null> {
  const [done] = await rows<{ version: number }>(
    tx,
    sql`UPDATE care_model SET title = ${e.title}, type = ${e.type}, configuration = ${json(e.configuration)}, mechanisms = ${json(e.mechanisms)},
               early_indicators = ${json(e.earlyIndicators)}, final_outcomes = ${json(e.finalOutcomes)}, version = version + 1,
               changed_by = ${actor.professionalId}::uuid, changed_by_name = ${actor.name}, changed_at = now()
         WHERE ics_id = ${actor.icsId}::uuid AND name = ${e.name} AND version = ${seenVersion} RETURNING version`,
  );
  return done?.version ?? null;
}
