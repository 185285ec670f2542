import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../platform/db/client.js';
import { databaseKinds } from '../../test/database.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { TestClient, pageText } from '../../test/http.js';
import { inIcs } from '../../test/in-ics.js';
import { addMonths, londonToday } from '../platform/time/form-dates.js';
import { bringCase, recordAttendance, recordOutcome } from './service.js';
import { hubChildren, meetingHasStarted, mdtPeople, meetingWith, type MdtPeople } from './test-fixtures.js';

const kinds = await databaseKinds();

/** The outcome letter says it goes to the GP: the child's GP hears of it on their worklist, whoever brought the case. */
describe.each(kinds)('the GP is told of an MDT outcome letter about their patient (%s)', (kind) => {
  let j: TestJoinery;
  let p: MdtPeople;
  let child: string;
  let caseId: string;
  const today = londonToday();
  const told = async () => (await rows<{ professional_id: string }>(j.db.owner, sql`
    SELECT professional_id FROM worklist_item WHERE kind = 'mdt-letter' AND link = ${`/mdt/cases/${caseId}/letter`} ORDER BY professional_id`)).map((r) => r.professional_id);

  beforeAll(async () => {
    j = await startJoinery(kind, 300);
    const found = await mdtPeople(j);
    p = found.people;
    [child] = await hubChildren(j, p, 1);
    // The hub lead brings the child (registered with the demo GP's practice); the GP neither brings the case nor attends.
    const meetingId = await meetingWith(j, p, found.hub, [p.senco], { title: 'Practice GP MDT' });
    caseId = await inIcs(j, (tx) => bringCase(tx, p.lead, meetingId, { childId: child, source: 'nomination', question: 'Soiling at nursery: what would help?' }));
    await meetingHasStarted(j, meetingId);
    await inIcs(j, (tx) => recordAttendance(tx, p.lead, meetingId, [p.lead.professionalId, p.senco.professionalId]));
  }, 300_000);
  afterAll(() => j?.close());

  it('puts the letter on the worklist of each GP of the child’s practice, who can open it from there', async () => {
    await inIcs(j, (tx) => recordOutcome(tx, p.lead, caseId, {
      discussion: 'Soiling since starting nursery.', decisions: 'A toileting plan with nursery.', themes: [],
      actions: [{ description: 'Toileting plan at nursery', ownerKind: 'professional', ownerId: p.senco.professionalId, dueOn: addMonths(today, 1) }],
    }, 1, today));
    const practiceGps = (await rows<{ id: string }>(j.db.owner, sql`SELECT p.id FROM professional p JOIN child c ON c.registered_practice_id = p.organisation_id
      WHERE c.id = ${child}::uuid AND p.role = 'gp' AND p.active`)).map((r) => r.id);
    expect(practiceGps).toContain(p.gp.professionalId);
    expect(await told()).toEqual([p.lead.professionalId, p.senco.professionalId, ...practiceGps].sort());

    const gp = await TestClient.signIn(j.app, 'gp@demo.joinery.test');
    const worklist = await gp.get('/worklist');
    expect(worklist.body).toContain(`/mdt/cases/${caseId}/letter`);
    const letter = await gp.get(`/mdt/cases/${caseId}/letter`);
    expect(letter.statusCode).toBe(200);
    expect(pageText(letter.body)).toContain('To: the family, and the GP');
  });
});
