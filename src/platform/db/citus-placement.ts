/**
 * Where each table sits in Citus with ics_id as the distribution column
 * (docs/decisions/0009 and 0029). Every table with an ics_id column is a
 * tenant table, distributed by ics_id and colocated with the rest, unless it
 * is named here. `joinery distribute` places tables by these lists and the
 * catalogue test (test/citus-ready/catalogue.ts) checks the schema against them.
 */
export const REFERENCE_TABLES: Record<string, string> = {
  ics: 'the tenants themselves: every tenant table points at it',
  place: 'local-authority areas, a national list that organisations point at',
  organisation: 'practices, trusts, schools: ODS codes are national, and professionals point at their organisation',
  professional: 'an ICS’s staff, on every node until every query that joins it names ics_id (decision 0034); its keys all carry ics_id, and the sign-in directory keeps each email to one ICS',
};

/**
 * Directories: reference tables that answer "which ICS?" before the tenant is
 * known, for a name people choose and type (decision 0034). The only tables
 * with an ics_id column whose keys may leave ics_id out: their key is what
 * keeps a name to one ICS across the region. `joinery distribute` makes them
 * reference tables; each names the tenant table whose rows point at it.
 */
export const DIRECTORY_TABLES: Record<string, { of: string; why: string }> = {
  sign_in_directory: { of: 'professional', why: 'password sign-in starts from an email alone: the directory says which ICS holds the account, and keeps each email to one ICS' },
};

/**
 * Tables Citus would leave on the coordinator: read before the tenant is
 * known, holding no ICS's rows (no ics_id column), and no tenant table points
 * at them. A secret Joinery hands out carries its ICS instead (decision 0034).
 */
export const LOCAL_TABLES: Record<string, string> = {
  sign_in_attempt: 'counted by hashed email and address before the ICS is known; has no ICS',
  family_session: 'a family member signed in with NHS login: found by token hash, belongs to no ICS',
  oidc_sign_in: 'a CIS2 or NHS login sign-in under way, found by its state before anyone is known; has no ICS',
  scheduled_job: 'when each scheduled job is next due and which run holds it: a job serves every ICS',
  scheduled_job_run: 'the record of each scheduled job run (clock, start, end, summary or error): a job serves every ICS',
};

/** The tenant table every other one is colocated with: a child's rows of every table share its shard. */
export const COLOCATION_ANCHOR = 'child';

/** Every table `joinery distribute` makes a reference table: the national lists, then the directories. */
export const REFERENCE_PLACED: readonly string[] = [...Object.keys(REFERENCE_TABLES), ...Object.keys(DIRECTORY_TABLES)];
