import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../platform/db/client.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { TestClient, pageText } from '../../test/http.js';
import { recordObservations } from './observations.js';
import { demoWard, inIcs, onWard, plainChild, type Ward } from './test-fixtures.js';

/** The ward's pages over HTTP: who may open them, bad input with its error summary, and a second acknowledgement refused. */
describe('virtual ward pages', () => {
  let j: TestJoinery;
  let w: Ward;
  const signIn = (role: string) => TestClient.signIn(j.app, `${role}@demo.joinery.test`);

  beforeAll(async () => {
    j = await startJoinery('pglite', 300);
    w = await demoWard(j);
  }, 300_000);
  afterAll(() => j?.close());

  it('shows the caseload to the ward’s nurse with the child, and refuses it to a SENCO', async () => {
    const child = await plainChild(j, w.gp);
    await onWard(j, w, child);
    const [c] = await rows<{ family_name: string }>(j.db.owner, sql`SELECT family_name FROM child WHERE id = ${child}::uuid`);
    const page = await (await signIn('care-coordinator')).get('/virtual-ward');
    expect(page.statusCode).toBe(200);
    expect(pageText(page.body)).toContain(c.family_name);
    expect(pageText(page.body)).toContain('Consultant’s ward round');
    expect((await (await signIn('senco')).get('/virtual-ward')).statusCode).toBe(403);
  });

  it('keeps what was typed and names the field when an observation is not a number, saving nothing', async () => {
    const child = await plainChild(j, w.gp);
    const id = await onWard(j, w, child);
    const nurse = await signIn('care-coordinator');
    const form = await nurse.get(`/virtual-ward/episodes/${id}/observations`);
    expect(pageText(form.body)).toContain('has not been validated for children observed at home');
    const bad = await nurse.post(`/virtual-ward/episodes/${id}/observations`, { heartRate: 'fast', respiratoryRate: '40' });
    expect(bad.statusCode).toBe(400);
    expect(pageText(bad.body)).toContain('There is a problem');
    expect(pageText(bad.body)).toContain('heartRate must be a number (beats a minute)');
    expect(bad.body).toContain('value="40"');
    const [{ n }] = await rows<{ n: number }>(j.db.owner, sql`SELECT count(*)::int AS n FROM ward_observation WHERE episode_id = ${id}::uuid`);
    expect(n).toBe(0);
  });

  it('refuses a second acknowledgement with 409, saying who was first', async () => {
    const child = await plainChild(j, w.gp);
    const id = await onWard(j, w, child);
    const { escalationId } = await inIcs(j, (tx) => recordObservations(tx, w.nurse, id, { respiratoryRate: 55, heartRate: 155, spo2: 93, respiratoryDistress: 'mild' }));
    const nurse = await signIn('care-coordinator');
    const first = await nurse.post(`/virtual-ward/escalations/${escalationId}/acknowledge`, { episode: id });
    expect(first.statusCode).toBe(303);
    const second = await (await signIn('paediatrician')).post(`/virtual-ward/escalations/${escalationId}/acknowledge`, { episode: id });
    expect(second.statusCode).toBe(409);
    expect(pageText(second.body)).toContain(`This escalation was already acknowledged by ${w.nurse.name} at`);
  });

  it('asks for a pathway and a reason when referring from the child’s page', async () => {
    const child = await plainChild(j, w.gp);
    const gp = await signIn('gp');
    expect((await gp.get(`/children/${child}`)).body).toContain(`/children/${child}/virtual-ward`);
    const bad = await gp.post(`/children/${child}/virtual-ward`, { pathwayId: '', source: 'gp', reason: '' });
    expect(bad.statusCode).toBe(400);
    expect(pageText(bad.body)).toContain('Choose a pathway');
    const made = await gp.post(`/children/${child}/virtual-ward`, { pathwayId: 'asthma', source: 'gp', reason: 'After an attack, stable on 4-hourly salbutamol.' });
    expect(made.statusCode).toBe(303);
    // The ward's nurse finds the referral with the acceptance checks to make.
    const stay = await (await signIn('care-coordinator')).get(made.headers.location as string);
    expect(pageText(stay.body)).toContain('Accept onto the virtual ward');
    expect(pageText(stay.body)).toContain('The family has a working phone');
  });
});
