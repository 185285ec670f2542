/** Pages through HTTP for the benches: one GET that must succeed, and a page under concurrent load. */
import autocannon from 'autocannon';
import type { TestClient } from '../test/http.js';
import { percentile } from './stats.js';

/** GETs a page as the signed-in client; anything but 200 stops the bench. */
export async function page(client: TestClient, url: string): Promise<string> {
  const res = await client.get(url);
  if (res.statusCode !== 200) throw new Error(`GET ${url} answered ${res.statusCode}`);
  return res.body;
}

/**
 * GETs paths (in turn) with 20 connections for `seconds` as the signed-in
 * client, and prints requests per second and latency percentiles.
 */
export async function underLoad(label: string, opts: { baseUrl: string; client: TestClient; seconds: number; paths: () => string }): Promise<void> {
  const latencies: number[] = [];
  const result = await autocannon({
    url: opts.baseUrl, connections: 20, duration: opts.seconds, headers: { cookie: opts.client.cookieHeader },
    requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: opts.paths() }) }],
    setupClient: (c) => c.on('response', (_s: number, _b: number, ms: number) => latencies.push(ms)),
  });
  latencies.sort((a, b) => a - b);
  // Let keep-alive connections drain before the pool closes under them.
  await new Promise((r) => setTimeout(r, 500));
  console.log(`${label} under load (20 connections, ${opts.seconds} s): ${result.requests.total.toLocaleString('en-GB')} requests, ` +
    `${result.requests.average.toFixed(0)} req/s, p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms, ` +
    `p99 ${percentile(latencies, 99).toFixed(1)} ms, non-2xx ${result.non2xx}, errors ${result.errors}`);
}
