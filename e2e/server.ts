import net, { type AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { startJoinery, type TestJoinery } from '../test/joinery.js';
import { launchChromium } from './browser.js';

/** A localhost port nothing listens on now: for a journey whose sign-in provider must know Joinery's address before Joinery starts. */
export const freePort = () => new Promise<number>((resolve) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => {
    const { port } = (s.address() as AddressInfo);
    s.close(() => resolve(port));
  });
});

/** Joinery listening on a free localhost port, on embedded PGlite with a small synthetic ICS. */
export async function startServer(): Promise<TestJoinery & { baseUrl: string }> {
  const j = await startJoinery('pglite', 600);
  await j.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = j.app.server.address() as AddressInfo;
  return { ...j, baseUrl: `http://127.0.0.1:${port}` };
}

/** Joinery and a browser to visit it with: what each journey file starts before its journeys and closes after. */
export type Joinery = TestJoinery & { baseUrl: string; browser: Browser };

export async function startJoineryAndBrowser(): Promise<Joinery> {
  return withBrowser(await startServer());
}

/** A browser beside a Joinery already listening: closing one closes both (and a browser that will not start closes Joinery). */
async function withBrowser(server: TestJoinery & { baseUrl: string }): Promise<Joinery> {
  const browser = await launchChromium().catch(async (e) => {
    await server.close();
    throw e;
  });
  return {
    ...server,
    browser,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}

/**
 * Joinery with NHS login (the stand-in) and a browser: NHS login must know
 * Joinery's public address before Joinery starts, so Joinery listens on a
 * port chosen first and calls itself by that address.
 */
export async function startJoineryWithNhsLogin(): Promise<Joinery> {
  const port = await freePort();
  const baseUrl = `http://localhost:${port}`;
  const j = await startJoinery('pglite', 600, { PORT: String(port), JOINERY_PUBLIC_URL: baseUrl }, { nhsSignIn: true });
  await j.app.listen({ port, host: '127.0.0.1' });
  return withBrowser({ ...j, baseUrl });
}
