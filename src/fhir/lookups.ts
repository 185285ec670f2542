import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import { linkTarget, type LinkKey } from './links.js';

/** What every reference comes down to: a sender's name for a row, an NHS number, an ODS code, a school's DfE URN, or one of our own ids. */
export interface Lookup {
  link(tx: Tx, type: string, key: LinkKey): Promise<string | undefined>;
  childByNhsNumber(tx: Tx, nhsNumber: string): Promise<string | undefined>;
  organisationByOds(tx: Tx, odsCode: string): Promise<string | undefined>;
  schoolByUrn(tx: Tx, urn: string): Promise<string | undefined>;
  /** Our id, if a row of the type has it. */
  own(tx: Tx, type: string, id: string): Promise<string | undefined>;
}

const OWN_TABLES: Record<string, string> = { Patient: 'child', Organization: 'organisation', Practitioner: 'professional', Encounter: 'contact' };

const keys = {
  link: (type: string, k: LinkKey) => `link\u0000${type}\u0000${k.kind}\u0000${k.system}\u0000${k.value}`,
  nhs: (n: string) => `nhs\u0000${n}`,
  ods: (o: string) => `ods\u0000${o}`,
  urn: (u: string) => `urn\u0000${u}`,
  own: (type: string, id: string) => `own\u0000${type}\u0000${id.toLowerCase()}`,
};

/** Notes which look-ups references would need, answering none: what a chunk's references need is then loaded in a few queries. */
export class Wanted implements Lookup {
  readonly links = new Map<string, { type: string; key: LinkKey }>();
  readonly nhsNumbers = new Set<string>();
  readonly odsCodes = new Set<string>();
  readonly urns = new Set<string>();
  readonly owns = new Map<string, { type: string; id: string }>();

  async link(_tx: Tx, type: string, key: LinkKey) {
    this.links.set(keys.link(type, key), { type, key });
    return undefined;
  }
  async childByNhsNumber(_tx: Tx, nhsNumber: string) {
    this.nhsNumbers.add(nhsNumber);
    return undefined;
  }
  async organisationByOds(_tx: Tx, odsCode: string) {
    this.odsCodes.add(odsCode);
    return undefined;
  }
  async schoolByUrn(_tx: Tx, urn: string) {
    this.urns.add(urn);
    return undefined;
  }
  async own(_tx: Tx, type: string, id: string) {
    if (OWN_TABLES[type]) this.owns.set(keys.own(type, id), { type, id: id.toLowerCase() });
    return undefined;
  }
}

/**
 * The database's answers, each kept once known (found or not) until
 * forget(): loaded for many references at once, or asked one at a time.
 * Each names the importer's ICS as a value, so Citus reads one ICS's rows
 * (the row-level security policy keeps the same ICS besides).
 */
export class Lookups implements Lookup {
  private readonly known = new Map<string, string | null>();

  constructor(private readonly icsId: string) {}

  private tenant() {
    return sql`${this.icsId}::uuid`;
  }

  private async cached(key: string, ask: () => Promise<string | undefined>): Promise<string | undefined> {
    const hit = this.known.get(key);
    if (hit !== undefined) return hit ?? undefined;
    const found = await ask();
    this.known.set(key, found ?? null);
    return found;
  }

  link(tx: Tx, type: string, key: LinkKey) {
    return this.cached(keys.link(type, key), () => linkTarget(tx, this.icsId, type, key));
  }
  childByNhsNumber(tx: Tx, nhsNumber: string) {
    return this.cached(keys.nhs(nhsNumber), async () => (await rows<{ id: string }>(tx, sql`SELECT id FROM child WHERE ics_id = ${this.tenant()} AND nhs_number = ${nhsNumber}`))[0]?.id);
  }
  organisationByOds(tx: Tx, odsCode: string) {
    return this.cached(keys.ods(odsCode), async () => (await rows<{ id: string }>(tx, sql`SELECT id FROM organisation WHERE ics_id = ${this.tenant()} AND ods_code = ${odsCode}`))[0]?.id);
  }
  schoolByUrn(tx: Tx, urn: string) {
    return this.cached(keys.urn(urn), async () => (await rows<{ id: string }>(tx, sql`SELECT id FROM organisation WHERE ics_id = ${this.tenant()} AND dfe_urn = ${urn}`))[0]?.id);
  }
  own(tx: Tx, type: string, id: string) {
    const table = OWN_TABLES[type];
    if (!table) return Promise.resolve(undefined);
    return this.cached(keys.own(type, id), async () => (await rows<{ id: string }>(tx, sql`SELECT id FROM ${sql.identifier(table)} WHERE ics_id = ${this.tenant()} AND id = ${id}::uuid`))[0]?.id);
  }

  /** A write may have named rows anew (a patient, a sender's identifier): answers given before may no longer hold. */
  forget(): void {
    this.known.clear();
  }

  /** Answers everything wanted in at most five queries, and keeps the answers. */
  async load(tx: Tx, wanted: Wanted): Promise<void> {
    const answers = new Map<string, string | null>();
    if (wanted.links.size) {
      const asked = [...wanted.links.values()].map(({ type, key }) => ({ t: type, k: key.kind, s: key.system, v: key.value }));
      const found = await rows<{ t: string; k: LinkKey['kind']; s: string; v: string; target_id: string }>(
        tx,
        sql`SELECT k.t, k.k, k.s, k.v, l.target_id FROM json_to_recordset(${JSON.stringify(asked)}::json) AS k(t text, k text, s text, v text)
              JOIN fhir_link l ON l.ics_id = ${this.tenant()} AND l.resource_type = k.t AND l.kind = k.k AND l.system = k.s AND l.value = k.v`,
      );
      for (const key of wanted.links.keys()) answers.set(key, null);
      for (const f of found) answers.set(keys.link(f.t, { kind: f.k, system: f.s, value: f.v }), f.target_id);
    }
    const byValue = async (table: string, column: string, values: Set<string>, key: (v: string) => string) => {
      if (!values.size) return;
      const found = await rows<{ id: string; v: string }>(
        tx, sql`SELECT id, ${sql.identifier(column)} AS v FROM ${sql.identifier(table)} WHERE ics_id = ${this.tenant()} AND ${sql.identifier(column)} = ANY(${sql.param([...values])}::text[])`,
      );
      for (const v of values) answers.set(key(v), null);
      for (const f of found) answers.set(key(f.v), f.id);
    };
    await byValue('child', 'nhs_number', wanted.nhsNumbers, keys.nhs);
    await byValue('organisation', 'ods_code', wanted.odsCodes, keys.ods);
    await byValue('organisation', 'dfe_urn', wanted.urns, keys.urn);
    if (wanted.owns.size) {
      const asked = [...wanted.owns.values()];
      const tables = [...new Set(asked.map((o) => o.type))].map((type) => {
        const ids = asked.filter((o) => o.type === type).map((o) => o.id);
        return sql`SELECT ${type}::text AS type, id FROM ${sql.identifier(OWN_TABLES[type])} WHERE ics_id = ${this.tenant()} AND id = ANY(${sql.param(ids)}::uuid[])`;
      });
      const found = await rows<{ type: string; id: string }>(tx, sql.join(tables, sql` UNION ALL `));
      for (const key of wanted.owns.keys()) answers.set(key, null);
      for (const f of found) answers.set(keys.own(f.type, f.id), f.id);
    }
    for (const [key, value] of answers) this.known.set(key, value);
  }
}
