import { Client } from 'fhir-kit-client';

/** What a Bulk Data status answers once the export is done (the parts the tests read). */
export type ExportManifest = { transactionTime: string; request: string; output: { type: string; url: string; count: number }[]; error: unknown[] };

/**
 * A Bulk Data export as fhir-kit-client drives it (for tests): kick-off with
 * Prefer: respond-async, then the Content-Location polled every 100 ms, at
 * most `polls` times, until it answers the manifest. Says what went wrong
 * rather than hanging.
 */
export async function exportWithKit(client: Client, kickOff: string, polls: number): Promise<ExportManifest> {
  const kicked = await client.request(kickOff, { options: { headers: { prefer: 'respond-async', accept: 'application/fhir+json' } } });
  const status = Client.httpFor(kicked).response!.status;
  if (status !== 202) throw new Error(`the kick-off answered ${status}, not 202`);
  const statusUrl = Client.httpFor(kicked).response!.headers.get('content-location')!;
  for (let i = 0; i < polls; i++) {
    const answer = await client.request(statusUrl);
    if (Client.httpFor(answer).response!.status === 200) return answer as unknown as ExportManifest;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the export did not finish in ${polls} polls`);
}
