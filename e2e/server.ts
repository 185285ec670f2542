import type { AddressInfo } from 'node:net';
import { startJoinery, type TestJoinery } from '../test/joinery.js';

/** Joinery listening on a free localhost port, on embedded PGlite with a small synthetic ICS. */
export async function startServer(): Promise<TestJoinery & { baseUrl: string }> {
  const j = await startJoinery('pglite', 600);
  await j.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = j.app.server.address() as AddressInfo;
  return { ...j, baseUrl: `http://127.0.0.1:${port}` };
}
