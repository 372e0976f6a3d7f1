import { BUDGET_POLL_MS, CallSpacer } from './call-spacer';

describe('CallSpacer: a verification calls only while the bucket is below its gate', () => {
  it('goes at once below the gate, waits while the bucket is at or above it, and counts the wait', async () => {
    const levels = [0.5, 0.3, 0.25, 0.1];
    const sleeps: number[] = [];
    const spacer = new CallSpacer(
      0.2,
      () => levels.shift(),
      async (ms) => void sleeps.push(ms),
    );
    await spacer.next();
    expect(sleeps).toEqual([BUDGET_POLL_MS, BUDGET_POLL_MS, BUDGET_POLL_MS]);
    expect(spacer.waitedMs).toBe(3 * BUDGET_POLL_MS);
    await spacer.next(); // nothing known of the bucket (levels used up): no wait
    expect(sleeps).toHaveLength(3);
  });
});
