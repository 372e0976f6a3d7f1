import { HelpdeskSource } from '../source/helpdesk-source';

/**
 * What one REFRESH run may still spend on Gorgias: the connector's webhook budget for the minute
 * (WEBHOOK_REFRESH_CALLS_PER_MINUTE) less what its other webhook runs spent, counted down by the
 * calls this run's client makes. Once it is spent the run stops reading, so a flood of forged ids
 * costs at most the budget; what is left is folded into the connector's next incremental walk.
 */
export class CallAllowance {
  private readonly start: number;
  /** Whether a read was left undone for want of budget. */
  exhausted = false;

  constructor(
    private readonly client: HelpdeskSource,
    readonly allowed: number,
  ) {
    this.start = client.stats.requests;
  }

  /** True when at least `calls` more calls fit; otherwise remembers that work was left. */
  has(calls = 1): boolean {
    const ok = this.allowed - (this.client.stats.requests - this.start) >= calls;
    if (!ok) this.exhausted = true;
    return ok;
  }
}
