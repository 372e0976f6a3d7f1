/** Deterministic fault injection for the simulated API (per account, seeded PRNG). */

/** mulberry32: small, fast, deterministic PRNG returning floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0 || 0x9e3779b9;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FaultConfig {
  /** Share of API calls answered 500/502/503. */
  errorRate?: number;
  /** Share of API calls whose connection is destroyed without an answer. */
  cutRate?: number;
  /** Share of API calls answered 200 with a full Content-Length but only half the body. */
  truncateRate?: number;
  /** Delay added to a share (`slowRate`, default 1 when slowMs is set) of API calls. */
  slowMs?: number;
  slowRate?: number;
  /** PRNG seed (default 1). Setting faults resets the sequence. */
  seed?: number;
}

export type FaultKind = 'none' | 'error' | 'cut' | 'truncate';

export interface FaultDecision {
  kind: FaultKind;
  /** For `error`: 500, 502 or 503. */
  status?: number;
  delayMs: number;
}

const ERROR_STATUSES = [500, 502, 503];

export class FaultInjector {
  private config: FaultConfig = {};
  private rng: () => number = mulberry32(1);

  set(config: FaultConfig): void {
    for (const k of ['errorRate', 'cutRate', 'truncateRate', 'slowRate'] as const) {
      const v = config[k];
      if (v !== undefined && (typeof v !== 'number' || !(v >= 0 && v <= 1))) throw new Error(`${k} must be a number in 0..1`);
    }
    if (config.slowMs !== undefined && (typeof config.slowMs !== 'number' || config.slowMs < 0)) throw new Error('slowMs must be >= 0');
    this.config = { ...config };
    this.rng = mulberry32(config.seed ?? 1);
  }

  get active(): FaultConfig {
    return { ...this.config };
  }

  /** Always draws three numbers so the sequence depends only on the number of calls. */
  decide(): FaultDecision {
    const r1 = this.rng();
    const r2 = this.rng();
    const r3 = this.rng();
    const { errorRate = 0, cutRate = 0, truncateRate = 0, slowMs = 0 } = this.config;
    const slowRate = this.config.slowRate ?? (slowMs > 0 ? 1 : 0);
    const delayMs = slowMs > 0 && r2 < slowRate ? slowMs : 0;
    let kind: FaultKind = 'none';
    if (r1 < errorRate) kind = 'error';
    else if (r1 < errorRate + cutRate) kind = 'cut';
    else if (r1 < errorRate + cutRate + truncateRate) kind = 'truncate';
    return {
      kind,
      status: kind === 'error' ? ERROR_STATUSES[Math.floor(r3 * ERROR_STATUSES.length)] : undefined,
      delayMs,
    };
  }
}
