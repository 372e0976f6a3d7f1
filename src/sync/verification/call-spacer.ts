/**
 * Keeps a verification's calls within a share of its connector's call rate: each call waits until
 * 1 / (share x rate) has passed since the previous one. The rate is the one the account's pacer has
 * measured as left to us, read before each call, so a busy account slows the verification down. Its
 * calls also wait in the pacer's lane like every other call of the tenant, one at a time: the polls
 * and webhook refreshes of the connector keep the rest of the budget and never queue behind a burst.
 */
export class CallSpacer {
  private nextAt = 0;

  constructor(
    private readonly share: number,
    private readonly ratePerSecond: () => number | undefined,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /** Resolves when the next call may go. */
  async next(): Promise<void> {
    const wait = this.nextAt - this.now();
    if (wait > 0) await this.sleep(wait);
    this.nextAt = this.now() + this.intervalMs();
  }

  /** The spacing now: one call per 1 / (share x rate) seconds. */
  intervalMs(): number {
    const rate = this.ratePerSecond();
    if (!rate || !Number.isFinite(rate) || rate <= 0) return 0;
    return 1000 / (this.share * rate);
  }
}
