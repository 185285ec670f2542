import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../platform/db/client.js';
import { databaseKinds } from '../../test/database.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { TestClient, pageText } from '../../test/http.js';
import { formatNhsNumber, testNhsNumbers } from '../platform/identity/nhs-number.js';

const kinds = await databaseKinds();
type ChildRow = { id: string; nhs_number: string; given_name: string; family_name: string; date_of_birth: string };
/** A date as the pages show it. */
const longDate = (iso: string) => new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(iso));

/** Hazard H001: with two children of one surname and date of birth, the GP must be able to tell them apart and open the right one. */
describe.each(kinds)('children with the same name and date of birth (%s)', (kind) => {
  let j: TestJoinery;
  let first: ChildRow;
  let twin: ChildRow;
  const one = async <T>(q: ReturnType<typeof sql>) => (await rows<T>(j.db.owner, q))[0];
  const rowOf = (html: string, childId: string) => pageText(html.split('<tr').find((r) => r.includes(`/children/${childId}"`)) ?? '');

  beforeAll(async () => {
    j = await startJoinery(kind);
    const practice = sql`(SELECT organisation_id FROM professional WHERE email = 'gp@demo.joinery.test')`;
    first = await one(sql`SELECT id, nhs_number, given_name, family_name, date_of_birth::text FROM child WHERE registered_practice_id = ${practice} ORDER BY id LIMIT 1`);
    let nhsNumber = '';
    for (const n of testNhsNumbers(970_000)) {
      if (!(await rows(j.db.owner, sql`SELECT 1 FROM child WHERE nhs_number = ${n}`)).length) { nhsNumber = n; break; }
    }
    // A second child at the same practice: same surname and birthday, a given name one letter apart.
    const givenName = `${first.given_name}e`;
    const stored = (await rows<{ column_name: string }>(j.db.owner, sql`SELECT column_name FROM information_schema.columns
      WHERE table_name = 'child' AND is_generated = 'NEVER' ORDER BY ordinal_position`)).map((c) => c.column_name).join(', ');
    twin = await one(sql`INSERT INTO child (${sql.raw(stored)}) SELECT ${sql.raw(stored)}
      FROM jsonb_populate_record(NULL::child, to_jsonb((SELECT c FROM child c WHERE c.id = ${first.id}::uuid))
        || jsonb_build_object('id', gen_random_uuid(), 'nhs_number', ${nhsNumber}::text, 'given_name', ${givenName}::text))
      RETURNING id, nhs_number, given_name, family_name, date_of_birth::text`);
  });
  afterAll(() => j?.close());

  it('lists both with their NHS numbers, given names and practices, and opens the one chosen', async () => {
    const gp = await TestClient.signIn(j.app, 'gp@demo.joinery.test');
    const { name: practiceName } = await one<{ name: string }>(sql`SELECT o.name FROM organisation o JOIN child c ON c.registered_practice_id = o.id WHERE c.id = ${first.id}::uuid`);
    const [y, m, d] = first.date_of_birth.split('-');
    const found = await gp.get(`/children?q=${encodeURIComponent(first.family_name)}&dob%5Bday%5D=${Number(d)}&dob%5Bmonth%5D=${Number(m)}&dob%5Byear%5D=${y}`);
    expect(found.statusCode).toBe(200);
    for (const c of [first, twin]) {
      const row = rowOf(found.body, c.id);
      expect(row, c.given_name).toContain(`${c.family_name.toUpperCase()}, ${c.given_name}`);
      expect(row, c.given_name).toContain(formatNhsNumber(c.nhs_number));
      expect(row, c.given_name).toContain(longDate(c.date_of_birth));
      expect(row, c.given_name).toContain(practiceName);
      expect(row, c.given_name).toContain('Care relationship');
    }
    expect(rowOf(found.body, twin.id)).not.toContain(formatNhsNumber(first.nhs_number));

    const born = longDate(twin.date_of_birth);
    for (const page of [`/children/${twin.id}`, `/children/${twin.id}/record`]) {
      const opened = pageText((await gp.get(page)).body);
      expect(opened, page).toContain(formatNhsNumber(twin.nhs_number));
      expect(opened, page).toContain(born);
      expect(opened, page).toContain(twin.given_name);
      expect(opened, page).not.toContain(formatNhsNumber(first.nhs_number));
    }
  });
});
