import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { databaseKinds } from '../../test/database.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { TestClient, pageText } from '../../test/http.js';
import { inIcs, one } from '../../test/in-ics.js';
import { addMonths, londonToday } from '../platform/time/form-dates.js';
import { LETTER_KINDS } from '../letters/templates.js';
import { bringCase, recordAttendance, recordOutcome } from './service.js';
import { hubChildren, meetingHasStarted, mdtPeople, meetingWith, type MdtPeople } from './test-fixtures.js';

const kinds = await databaseKinds();
const BASE = '/admin/letter-templates/mdt-outcome';

/** The ICS words the MDT outcome letter as it words its other letters, and cannot drop what the family and GP rely on. */
describe.each(kinds)('the MDT outcome letter in the ICS’s wording (%s)', (kind) => {
  let j: TestJoinery;
  let p: MdtPeople;
  let admin: TestClient;
  let caseId: string;
  const today = londonToday();

  beforeAll(async () => {
    j = await startJoinery(kind, 300);
    const found = await mdtPeople(j);
    p = found.people;
    const [child] = await hubChildren(j, p, 1);
    const meetingId = await meetingWith(j, p, found.hub, [p.gp, p.senco], { title: 'Wording MDT' });
    caseId = await inIcs(j, (tx) => bringCase(tx, p.gp, meetingId, { childId: child, source: 'nomination', question: 'Toileting at nursery: what would help?' }));
    await meetingHasStarted(j, meetingId);
    await inIcs(j, (tx) => recordAttendance(tx, p.lead, meetingId, [p.lead.professionalId, p.gp.professionalId, p.senco.professionalId]));
    admin = await TestClient.signIn(j.app, 'admin@demo.joinery.test');
  }, 300_000);
  afterAll(() => j?.close());

  it('refuses wording that leaves out the actions or the decisions, naming what every letter would lose', async () => {
    await admin.get(BASE);
    const body = LETTER_KINDS['mdt-outcome'].body.replace('{{actions}}', '').replace('{{decisions}}', '');
    const res = await admin.post(BASE, { title: LETTER_KINDS['mdt-outcome'].title, body, version: '0' });
    expect(res.statusCode).toBe(400);
    expect(pageText(res.body)).toContain('The letter must include {{decisions}} (what the team decided) and {{actions}} (who will do what, one action a line, each with who and by when), or they would be left out of every letter');
    expect(await one(j, sql`SELECT count(*)::int AS n FROM letter_template WHERE kind = 'mdt-outcome'`)).toEqual({ n: 0 });
  });

  it('writes the next outcome letter in the wording the administrator saved, each action a sentence saying who and by when', async () => {
    const editor = await admin.get(BASE);
    expect(editor.statusCode).toBe(200);
    expect(pageText(editor.body)).toContain('{{actions}} — who will do what, one action a line, each with who and by when (required)');
    const body = 'Dear family of {{child}} ({{born}}, NHS number {{nhsNumber}}),\n\n{{broughtBy}} asked: {{question}}\n\n## Our discussion\n{{discussion}}\n\n## Our decisions\n{{decisions}}\n\n## Next steps\n{{actions}}\n\n{{chair}}';
    const saved = await admin.post(BASE, { title: 'After the {{hub}} meeting about {{child}}', body, version: '0' });
    expect(saved.statusCode).toBe(303);

    await inIcs(j, (tx) => recordOutcome(tx, p.lead, caseId, {
      discussion: 'Daytime wetting at nursery.', decisions: 'A toileting plan with nursery.', themes: [],
      actions: [{ description: 'toileting plan at nursery', ownerKind: 'professional', ownerId: p.senco.professionalId, dueOn: addMonths(today, 1) }],
    }, 1, today));
    const { letter } = await one<{ letter: string }>(j, sql`SELECT letter FROM mdt_case WHERE id = ${caseId}::uuid`);
    const sent = JSON.parse(letter) as { title: string; lines: { text: string; heading?: boolean }[] };
    expect(sent.title).toMatch(/^After the .* meeting about /);
    const texts = sent.lines.map((l) => l.text);
    expect(texts).toContain('Our decisions');
    expect(texts).not.toContain('What we decided');
    const senco = await one<{ name: string }>(j, sql`SELECT name FROM professional WHERE id = ${p.senco.professionalId}::uuid`);
    expect(texts[texts.indexOf('Next steps') + 1]).toMatch(new RegExp(`^Toileting plan at nursery\\. Who: ${senco.name}, [^.]+\\. By \\d+ \\w+ \\d{4}\\.$`));
  });
});
