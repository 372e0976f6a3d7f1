/** How often a waiting verification looks at the bucket again. */
export const BUDGET_POLL_MS = 50;

/**
 * Keeps a verification within a share of its connector's budget: before each call it waits until the
 * account's rate-limit bucket (as the pacer predicts it, counting every call of ours and the level
 * Gorgias reports for the account's other clients) is below `share` of the part of the bucket we may
 * fill (GORGIAS_BUDGET_SHARE). The rest of the bucket is always left free for the connector's polls and
 * webhook refreshes: they never wait behind a verification, and when they are busy the bucket stays
 * above the gate and the verification waits for them. A verification alone takes the rate nobody else
 * uses. Its calls also wait in the pacer's lane like every other call of the tenant, one at a time.
 */
export class CallSpacer {
  constructor(
    /** The fraction of the whole bucket below which a verification may call (VERIFY_BUDGET_SHARE x GORGIAS_BUDGET_SHARE). */
    private readonly gate: number,
    private readonly budgetInUse: () => number | undefined,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /** Resolves when the next call may go; `waitedMs` adds up the time spent waiting (for the report's figures). */
  waitedMs = 0;

  async next(): Promise<void> {
    for (;;) {
      const used = this.budgetInUse();
      // Below the gate after this call too: one call's room is always there for others at a gate of one call.
      if (used === undefined || !Number.isFinite(used) || used < this.gate) return;
      await this.sleep(BUDGET_POLL_MS);
      this.waitedMs += BUDGET_POLL_MS;
    }
  }
}
