/** Latency summaries for benchmark output. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export function summarise(label: string, samplesMs: number[]) {
  const s = [...samplesMs].sort((a, b) => a - b);
  const total = s.reduce((a, b) => a + b, 0);
  return `${label.padEnd(46)} n=${String(s.length).padStart(6)}  p50 ${percentile(s, 50).toFixed(2).padStart(7)} ms  p95 ${percentile(s, 95).toFixed(2).padStart(7)} ms  max ${s[s.length - 1].toFixed(1).padStart(7)} ms  (${((s.length / total) * 1000).toFixed(0)} per s serially)`;
}

/** Samples resident memory in the background; returns a stop function giving the peak in MiB. */
export function trackPeakMemory(everyMs = 200): () => number {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, everyMs);
  return () => {
    clearInterval(timer);
    return Math.round(Math.max(peak, process.memoryUsage().rss) / 1024 / 1024);
  };
}

/** Runs fn n times in turn and returns each run's milliseconds; what fn resolves to is ignored. */
export async function timeEach(n: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn(i);
    samples.push(performance.now() - t0);
  }
  return samples;
}
