import { SyncMode } from '../sync-run.types';
import { WATERMARK_FUTURE_SKEW_MS } from '../sync.constants';
import {
  advanceCheckpoint,
  clampWatermark,
  firstCheckpoint,
  remainingStages,
  stagePercent,
  stagesOf,
  walkFraction,
  watermarkCap,
} from './stage-plan';

describe('stage plan', () => {
  it('reads messages before tickets, and only a FULL run sweeps', () => {
    expect(stagesOf(SyncMode.INCREMENTAL)).toEqual(['messages', 'tickets', 'events', 'coverage', 'reconcile', 'done']);
    expect(stagesOf(SyncMode.FULL)).toEqual(['messages', 'tickets', 'events', 'coverage', 'reconcile', 'sweep', 'done']);
  });

  it('starts a run that reads everything when it is FULL or a watermark is missing', () => {
    const now = new Date();
    expect(firstCheckpoint(SyncMode.FULL, { tickets: now, messages: now })).toEqual({ stage: 'messages', initial: true });
    expect(firstCheckpoint(SyncMode.INCREMENTAL, { tickets: now })).toEqual({ stage: 'messages', initial: true });
    expect(firstCheckpoint(SyncMode.INCREMENTAL, { tickets: now, messages: now })).toEqual({ stage: 'messages', initial: false });
  });

  it('resumes at the checkpoint stage, each stage paired with the next', () => {
    expect(remainingStages(SyncMode.INCREMENTAL, { stage: 'events' })).toEqual([
      { stage: 'events', next: 'coverage' },
      { stage: 'coverage', next: 'reconcile' },
      { stage: 'reconcile', next: 'done' },
    ]);
    expect(remainingStages(SyncMode.FULL, { stage: 'reconcile' })).toEqual([
      { stage: 'reconcile', next: 'sweep' },
      { stage: 'sweep', next: 'done' },
    ]);
    expect(remainingStages(SyncMode.FULL, { stage: 'done' })).toEqual([]);
    expect(remainingStages(SyncMode.INCREMENTAL, {}).map((s) => s.stage)).toEqual([
      'messages',
      'tickets',
      'events',
      'coverage',
      'reconcile',
    ]);
  });

  it('keeps only what lasts the whole run when a stage ends', () => {
    const cp = {
      stage: 'tickets' as const,
      initial: true,
      reconciled: 3,
      cursor: 'c',
      position: 'p',
      pendingWatermark: 'w',
      stopBefore: 's',
      oldest: 'o',
    };
    expect(advanceCheckpoint(cp, 'reconcile')).toEqual({ stage: 'reconcile', initial: true, reconciled: 3 });
  });

  it('maps a stage fraction onto the progress bar', () => {
    expect(stagePercent('messages', 0)).toBe(0);
    expect(stagePercent('messages', 1)).toBe(75);
    expect(stagePercent('tickets', 0.5)).toBe(86);
    expect(stagePercent('reconcile', 1)).toBe(100);
  });

  it('measures a newest-first walk by time, between the top and the watermark or the oldest item', () => {
    const cp = { pendingWatermark: '2025-01-11T00:00:00Z', oldest: '2025-01-01T00:00:00Z', position: '2025-01-06T00:00:00Z' };
    expect(walkFraction(cp)).toBeCloseTo(0.5);
    expect(walkFraction({ ...cp, stopBefore: '2025-01-09T00:00:00Z', position: '2025-01-10T00:00:00Z' })).toBeCloseTo(0.5);
    expect(walkFraction({ ...cp, position: null })).toBe(0);
    expect(walkFraction({ ...cp, pendingWatermark: '2024-12-01T00:00:00Z' })).toBe(0);
    expect(walkFraction({ ...cp, position: '2024-01-01T00:00:00Z' })).toBe(1);
  });

  it('clamps a watermark to the run start plus the skew allowance', () => {
    const start = new Date('2026-01-01T00:00:00Z');
    const cap = watermarkCap(start);
    expect(cap.getTime()).toBe(start.getTime() + WATERMARK_FUTURE_SKEW_MS);
    expect(clampWatermark('2099-01-01T00:00:00Z', cap)).toEqual(cap);
    expect(clampWatermark(new Date('2099-01-01T00:00:00Z'), cap)).toEqual(cap);
    expect(clampWatermark('2025-06-01T00:00:00Z', cap)).toBe('2025-06-01T00:00:00Z');
    expect(clampWatermark(null, cap)).toBeNull();
  });

  it('keeps an incomplete walk known for the rest of the run', () => {
    expect(advanceCheckpoint({ stage: 'tickets', initial: true, incompleteWalk: true, cursor: 'x' }, 'reconcile')).toEqual({
      stage: 'reconcile',
      initial: true,
      reconciled: undefined,
      incompleteWalk: true,
    });
  });
});
