import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../src/platform/db/client.js';
import { JOURNEY, follow } from './browser.js';
import { startJoineryAndBrowser, type Joinery } from './server.js';
import { checkPageIsAccessible } from './steps/accessibility.js';
import { closeTheWindow, openAWindow, signInInANewWindow } from './steps/sign-in.js';
import { londonToday } from './steps/dates.js';

/**
 * Safety-netting advice: a paediatrician sends the fever page to the family
 * of a 2-month-old; a parent opens the one-time link on a phone without
 * JavaScript and reads the red signs first; the ICS's clinical lead keeps the library.
 */
describe('advice for families', JOURNEY, () => {
  let joinery: Joinery;
  let child: { id: string; given_name: string };

  beforeAll(async () => {
    joinery = await startJoineryAndBrowser();
    // A child in the paediatrician's hub, made 2 months old today.
    [child] = await rows(joinery.db.owner, sql`SELECT c.id, c.given_name FROM child c
      JOIN cluster_practice cp ON cp.ics_id = c.ics_id AND cp.practice_id = c.registered_practice_id
      JOIN cluster cl ON cl.ics_id = cp.ics_id AND cl.id = cp.cluster_id
      JOIN professional p ON p.ics_id = cl.ics_id AND p.id = cl.lead_paediatrician_id
      WHERE p.email = 'paediatrician@demo.joinery.test' ORDER BY c.id LIMIT 1`);
    const born = new Date(`${londonToday()}T00:00:00Z`);
    born.setUTCMonth(born.getUTCMonth() - 2);
    await joinery.db.owner.execute(sql`UPDATE child SET date_of_birth = ${born.toISOString().slice(0, 10)}::date WHERE id = ${child.id}::uuid`);
  });
  afterAll(() => joinery?.close());

  it('a paediatrician sends fever advice for a 2-month-old; the parent opens the link at 390 px without JavaScript', async () => {
    const paed = await signInInANewWindow(joinery, 'paediatrician');
    await paed.goto(`/children/${child.id}`);
    await follow(paed, paed.getByRole('link', { name: 'Advice sent to the family' }));
    await checkPageIsAccessible(paed, 'advice sent to the family');
    await paed.getByLabel(/Fever in babies and young children \(0 to 3 months, version 1\)/).check();
    await paed.getByLabel('Note for the family (optional)').fill('Ring the practice if she is not feeding by tonight.');
    await follow(paed, paed.getByRole('button', { name: 'Send advice' }));
    const link = await paed.getByLabel('Link for the family').inputValue();
    expect(link).toMatch(/\/advice\/[A-Za-z0-9_-]{40,}$/);
    await checkPageIsAccessible(paed, 'advice sent, with the family’s link');
    await closeTheWindow(paed);

    const phone = await openAWindow(joinery, { javaScript: false });
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(new URL(link).pathname);
    expect(await phone.getByRole('heading', { level: 1 }).textContent()).toContain(`Advice for ${child.given_name}`);
    const main = (await phone.locator('main').textContent())!;
    expect(main).toContain('Ring the practice if she is not feeding by tonight.');
    expect(main.indexOf('Call 999 or go to A&E now if')).toBeLessThan(main.indexOf('Get help today if'));
    expect(main).toContain('under 3 months old and has a temperature of 38°C or more');
    expect(await phone.getByRole('link', { name: 'Call 999' }).getAttribute('href')).toBe('tel:999');
    await checkPageIsAccessible(phone, 'the family’s advice, on a phone without JavaScript');
    await follow(phone, phone.getByRole('button', { name: 'Yes, it helped' }));
    expect(await phone.locator('main').textContent()).toContain('Thank you for telling us.');
    await checkPageIsAccessible(phone, 'the family’s advice, answered');
    await closeTheWindow(phone);

    // Another phone cannot open the same link.
    const other = await openAWindow(joinery, { javaScript: false });
    await other.goto(new URL(link).pathname);
    expect(await other.getByRole('heading', { level: 1 }).textContent()).toContain('This link has already been opened');
    await checkPageIsAccessible(other, 'a link opened on another device');
    await closeTheWindow(other);
  });

  it('with JavaScript, the parent says the bronchiolitis advice did not help, and the paediatrician sees that beside what was sent', async () => {
    const paed = await signInInANewWindow(joinery, 'paediatrician');
    await paed.goto(`/children/${child.id}/advice`);
    await paed.getByLabel(/Bronchiolitis \(0 to 3 months, version 1\)/).check();
    await follow(paed, paed.getByRole('button', { name: 'Send advice' }));
    const link = await paed.getByLabel('Link for the family').inputValue();

    const phone = await openAWindow(joinery);
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(new URL(link).pathname);
    expect(await phone.getByRole('heading', { level: 1 }).textContent()).toContain(`Advice for ${child.given_name}`);
    expect(await phone.locator('main').textContent()).toContain('Bronchiolitis');
    await checkPageIsAccessible(phone, 'the family’s advice, on a phone with JavaScript');
    await follow(phone, phone.getByRole('button', { name: 'No, it did not help' }));
    expect(await phone.locator('main').textContent()).toContain('Thank you for telling us.');
    await closeTheWindow(phone);

    await paed.goto(`/children/${child.id}/advice`);
    expect(await paed.locator('main').textContent()).toContain('Bronchiolitis, version 1 (0 to 3 months): family said it did not help');
    await closeTheWindow(paed);
  });

  it('the ICS clinical lead keeps the library: the list with its review dates, a page’s editor with its preview', async () => {
    const lead = await signInInANewWindow(joinery, 'clinical-lead');
    await lead.goto('/admin/advice');
    await checkPageIsAccessible(lead, 'advice library');
    await follow(lead, lead.getByRole('link', { name: 'Head injury' }));
    await checkPageIsAccessible(lead, 'advice page editor');
    await follow(lead, lead.getByRole('button', { name: 'Preview changes' }));
    expect(await lead.locator('main').textContent()).toContain('your changes, not saved yet');
    await lead.goto('/admin/advice/head-injury/versions/1');
    await checkPageIsAccessible(lead, 'an advice page version');
    await lead.goto('/advice-figures');
    await checkPageIsAccessible(lead, 'advice figures by hub and deprivation');
    await closeTheWindow(lead);
  });
});
