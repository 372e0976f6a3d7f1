/** The lease of `runId` was taken over (or the run cancelled, or its connector deleted). */
export class LeaseLostError extends Error {
  constructor(readonly runId: string) {
    super(`lease on sync run ${runId} was lost`);
  }
}
