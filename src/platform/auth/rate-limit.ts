/**
 * Sign-in throttling: after too many failures for one email (or from one
 * address) within the window, further attempts are refused until it passes.
 * Kept in memory: one process serves one ICS deployment.
 */
export class SignInThrottle {
  private failures = new Map<string, number[]>();

  constructor(
    private readonly maxPerEmail = 5,
    private readonly maxPerAddress = 20,
    private readonly windowMs = 15 * 60 * 1000,
  ) {}

  private recent(key: string, now: number): number[] {
    const kept = (this.failures.get(key) ?? []).filter((t) => now - t < this.windowMs);
    if (kept.length) this.failures.set(key, kept);
    else this.failures.delete(key);
    return kept;
  }

  isBlocked(email: string, address: string, now = Date.now()): boolean {
    return this.recent(`e:${email}`, now).length >= this.maxPerEmail || this.recent(`a:${address}`, now).length >= this.maxPerAddress;
  }

  recordFailure(email: string, address: string, now = Date.now()): void {
    for (const key of [`e:${email}`, `a:${address}`]) this.failures.set(key, [...this.recent(key, now), now]);
  }

  recordSuccess(email: string): void {
    this.failures.delete(`e:${email}`);
  }
}
