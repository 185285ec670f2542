import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../platform/db/client.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { refusalOf } from '../../test/refusal.js';
import { inIcs, one } from '../../test/in-ics.js';
import { TestClient, pageText } from '../../test/http.js';
import { addMonths, londonToday } from '../platform/time/form-dates.js';
import { dateBoxes } from '../../test/date-boxes.js';
import { bringCase, outcomeBrief, recordAttendance, recordOutcome } from './service.js';
import { hubChildren, meetingHasStarted, mdtPeople, meetingWith, type MdtPeople } from './test-fixtures.js';

/**
 * Advice pages sent to the family with an MDT outcome (issue 18): offered for
 * the child's age today, checked and sent by the advice service as from the
 * child's page, named in the outcome letter; a wrong choice saves nothing.
 */
describe('MDT outcome: advice pages for the family (pglite)', () => {
  let j: TestJoinery;
  let p: MdtPeople;
  let child: string;
  let caseId: string;
  /** A second 2-month-old's case at the same meeting, recorded on the page. */
  let other: { child: string; caseId: string };
  const today = londonToday();
  const outcome = (over: Record<string, unknown> = {}) => ({
    discussion: 'Fevers with feeding well between them.', decisions: 'Safety-netting advice; review at the next meeting if it continues.', themes: [],
    actions: [{ description: 'Check feeding at the next visit', ownerKind: 'professional', ownerId: p.gp.professionalId, dueOn: addMonths(today, 1) }],
    ...over,
  });
  const nothingSaved = async () => {
    expect(await one(j, sql`SELECT letter FROM mdt_case WHERE id = ${caseId}::uuid`)).toEqual({ letter: null });
    expect(await rows(j.db.owner, sql`SELECT 1 FROM advice_sending WHERE child_id = ${child}::uuid`)).toEqual([]);
  };

  beforeAll(async () => {
    j = await startJoinery('pglite', 300);
    const found = await mdtPeople(j);
    p = found.people;
    const hub = found.hub;
    const [first, second] = await hubChildren(j, p, 2);
    child = first;
    // Two months old today: the fever page's 0 to 3 months band.
    const born = new Date(`${today}T00:00:00Z`);
    born.setUTCMonth(born.getUTCMonth() - 2);
    await j.db.owner.execute(sql`UPDATE child SET date_of_birth = ${born.toISOString().slice(0, 10)}::date WHERE id IN (${first}::uuid, ${second}::uuid)`);
    const meetingId = await meetingWith(j, p, hub, [p.gp], { title: 'Advice MDT' });
    caseId = await inIcs(j, (tx) => bringCase(tx, p.gp, meetingId, { childId: child, source: 'nomination', question: 'Repeated fevers in a young baby: what next?' }));
    other = { child: second, caseId: await inIcs(j, (tx) => bringCase(tx, p.gp, meetingId, { childId: second, source: 'nomination', question: 'A fever last week: anything more to do?' })) };
    await meetingHasStarted(j, meetingId);
    await inIcs(j, (tx) => recordAttendance(tx, p.lead, meetingId, [p.lead.professionalId, p.gp.professionalId]));
  }, 300_000);
  afterAll(() => j?.close());

  it('offers the recorder the pages for the child’s age today', async () => {
    const brief = await inIcs(j, (tx) => outcomeBrief(tx, p.lead, caseId, today));
    const choices = brief.adviceOffers.map((o) => o.choice);
    expect(choices).toContain('fever:1:0-3');
    expect(choices).not.toContain('fever:1:3-6');
    expect(choices.some((c) => c.startsWith('wheeze-asthma:'))).toBe(false);
  });

  it('refuses a band for another age, and a note with no page, and saves neither the outcome nor the advice (H034)', async () => {
    expect(await refusalOf(inIcs(j, (tx) => recordOutcome(tx, p.lead, caseId, outcome({ advicePages: ['fever:1:3-6'] }), 1, today)))).toEqual({
      kind: 'ValidationError', message: 'Invalid input',
      fields: { advicePages: 'The 3 to 6 months advice in Fever in babies and young children is not for a child of 2 months: send the 0 to 3 months advice' },
    });
    await nothingSaved();
    expect(await refusalOf(inIcs(j, (tx) => recordOutcome(tx, p.lead, caseId, outcome({ adviceNote: 'Ring us if worse.' }), 1, today)))).toEqual({
      kind: 'ValidationError', message: 'Invalid input', fields: { advicePages: 'Choose an advice page to send with the note, or leave the note empty' },
    });
    await nothingSaved();
  });

  it('sends the chosen pages through the advice service with the case named, audited, and the letter says what was sent', async () => {
    const done = await inIcs(j, (tx) => recordOutcome(tx, p.lead, caseId, outcome({ advicePages: ['fever:1:0-3'], adviceNote: 'Ring the practice if she will not feed.' }), 1, today));
    expect(done.advice?.titles).toEqual(['Fever in babies and young children (version 1, 0 to 3 months)']);
    expect(await one(j, sql`SELECT source, mdt_case_id, referral_id, note, sent_by FROM advice_sending WHERE child_id = ${child}::uuid`)).toEqual({
      source: 'mdt', mdt_case_id: caseId, referral_id: null, note: 'Ring the practice if she will not feed.', sent_by: p.lead.professionalId,
    });
    const audit = await one<{ what: string; professional_id: string; details: { mdtCaseId: string; source: string } }>(j,
      sql`SELECT what, professional_id, details FROM audit_event WHERE action = 'advice.send' AND child_id = ${child}::uuid`);
    expect(audit.what).toBe('Advice sent to the family: Fever in babies and young children (version 1, 0 to 3 months), with a note');
    expect(audit.professional_id).toBe(p.lead.professionalId);
    expect(audit.details).toMatchObject({ source: 'mdt', mdtCaseId: caseId });
    const { letter } = await one<{ letter: string }>(j, sql`SELECT letter FROM mdt_case WHERE id = ${caseId}::uuid`);
    expect(letter).toContain('Advice pages sent to the family: Fever in babies and young children (version 1, 0 to 3 months).');
  });

  it('the outcome form lists the pages, and the child’s advice page shows what the MDT sent', async () => {
    const lead = await TestClient.signIn(j.app, p.lead.email);
    const form = await lead.get(`/mdt/cases/${caseId}/outcome`);
    expect(form.body).toMatch(/name="advicePages" type="checkbox" value="fever:1:0-3"/);
    expect(pageText(form.body)).toContain('Advice pages to send to the family (optional)');
    expect(pageText((await lead.get(`/children/${child}/advice`)).body)).toMatch(/Fever in babies and young children, version 1 \(0 to 3 months\).*with an MDT outcome/);
  });

  it('shows the recorder the family’s one-time link as soon as the outcome is saved, and it opens the advice without signing in', async () => {
    const lead = await TestClient.signIn(j.app, p.lead.email);
    const form = await lead.get(`/mdt/cases/${other.caseId}/outcome`);
    const version = /name="version" value="(\d+)"/.exec(form.body)![1];
    const saved = await lead.post(`/mdt/cases/${other.caseId}/outcome`, {
      version, discussion: 'One fever, feeding well.', decisions: 'Safety-netting advice only.',
      'actions-0-description': 'Weigh at the next clinic', 'actions-0-ownerId': p.gp.professionalId, ...dateBoxes('actions-0-dueOn', addMonths(today, 1)),
      advicePages: 'fever:1:0-3', adviceNote: 'Bring her in if she will not feed.',
    });
    expect(saved.statusCode).toBe(200);
    const text = pageText(saved.body);
    expect(text).toContain('The outcome has been saved and the letter sent');
    expect(text).toContain('Advice sent to the family: Fever in babies and young children (version 1, 0 to 3 months)');
    const link = /id="family-link"[^>]*value="[^"]*(\/advice\/[A-Za-z0-9_-]+)"/.exec(saved.body)?.[1];
    expect(link).toBeDefined();
    // The family opens it with no session at all: the advice for this child, with the MDT's note.
    const family = await j.app.inject({ method: 'GET', url: link! });
    expect(family.statusCode).toBe(200);
    expect(pageText(family.body)).toContain('Bring her in if she will not feed.');
    expect(pageText(family.body)).toContain('Fever in babies and young children');
    // The link is shown once: the letter page opened again has none.
    expect((await lead.get(`/mdt/cases/${other.caseId}/letter`)).body).not.toContain('family-link');
  });
});
