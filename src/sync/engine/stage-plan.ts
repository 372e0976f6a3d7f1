import { SyncCheckpoint, SyncMode, SyncStage } from '../sync-run.types';
import { WATERMARK_FUTURE_SKEW_MS } from '../sync.constants';
import { sourceTimeMs } from './source/helpdesk-source';

/**
 * Messages first: a ticket read after its messages has a `messages_count` that includes them.
 * Events before reconcile: the tickets events re-read (trash, merges, message changes) then have
 * their messages right, and are not re-read a second time for a count that was off.
 * Coverage (issue 24: agents, teams, tags, surveys, custom fields) after the tickets: agents the stored
 * tickets name but the users list leaves out are then known.
 */
const STAGES: Record<SyncMode, SyncStage[]> = {
  [SyncMode.INCREMENTAL]: ['messages', 'tickets', 'events', 'coverage', 'reconcile', 'done'],
  [SyncMode.FULL]: ['messages', 'tickets', 'events', 'coverage', 'reconcile', 'sweep', 'done'],
  [SyncMode.REFRESH]: ['refresh', 'done'],
};

/** Share of the progress bar each stage fills (messages outnumber tickets about 5 to 1). */
const STAGE_WEIGHT: Partial<Record<SyncStage, [number, number]>> = {
  messages: [0, 75],
  tickets: [75, 97],
  events: [97, 98],
  coverage: [98, 99],
  reconcile: [99, 100],
  sweep: [99, 100],
  refresh: [0, 100],
};

/** The stages of a run of `mode`, in order, ending with 'done'. */
export function stagesOf(mode: SyncMode): readonly SyncStage[] {
  return STAGES[mode];
}

/** The checkpoint a run starts from: the first stage; everything is read on a FULL run or without watermarks. */
export function firstCheckpoint(mode: SyncMode, watermarks: { tickets?: Date | null; messages?: Date | null }): SyncCheckpoint {
  return { stage: STAGES[mode][0], initial: mode === SyncMode.FULL || !watermarks.tickets || !watermarks.messages };
}

/** The stages still to run from `checkpoint`, each with the one after it (the last is followed by 'done'). */
export function remainingStages(mode: SyncMode, checkpoint: SyncCheckpoint): { stage: SyncStage; next: SyncStage }[] {
  const stages = STAGES[mode];
  const out: { stage: SyncStage; next: SyncStage }[] = [];
  for (let i = stages.indexOf(checkpoint.stage ?? stages[0]); i >= 0 && i < stages.length - 1; i++)
    out.push({ stage: stages[i], next: stages[i + 1] });
  return out;
}

/** The checkpoint at the start of `next`: only what lasts the whole run is kept. */
export function advanceCheckpoint(checkpoint: SyncCheckpoint, next: SyncStage): SyncCheckpoint {
  return {
    stage: next,
    initial: checkpoint.initial,
    reconciled: checkpoint.reconciled,
    ...(checkpoint.incompleteWalk ? { incompleteWalk: true } : {}),
  };
}

/**
 * The latest a watermark may be: the run's start plus a small allowance for clock skew between
 * Gorgias and us. A record dated in the future (a bad clock, a hostile import) would otherwise move
 * the watermark past everything that happens until then, and incremental walks would stop at page 1.
 */
export function watermarkCap(runStartedAt: Date): Date {
  return new Date(runStartedAt.getTime() + WATERMARK_FUTURE_SKEW_MS);
}

/** `watermark` no later than `cap`. */
export function clampWatermark<T extends string | Date | null | undefined>(watermark: T, cap: Date): T | Date {
  if (watermark === null || watermark === undefined) return watermark;
  const ms = watermark instanceof Date ? watermark.getTime() : sourceTimeMs(watermark);
  return ms > cap.getTime() ? cap : watermark;
}

/** The run's percent when `stage` is `fraction` (0..1) done. */
export function stagePercent(stage: SyncStage, fraction: number): number {
  const [from, to] = STAGE_WEIGHT[stage] ?? [0, 100];
  return from + (to - from) * fraction;
}

/** How far a newest-first walk has come, by time: from the top timestamp down to the watermark or the oldest item. */
export function walkFraction(cp: SyncCheckpoint): number {
  const top = sourceTimeMs(cp.pendingWatermark);
  const bottom = cp.stopBefore ? sourceTimeMs(cp.stopBefore) : sourceTimeMs(cp.oldest);
  const at = sourceTimeMs(cp.position);
  if (!(top > bottom) || Number.isNaN(at)) return 0;
  return Math.min(1, Math.max(0, (top - at) / (top - bottom)));
}
