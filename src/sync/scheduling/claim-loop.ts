import { Logger } from '@nestjs/common';
import { runAsBackgroundWork } from '../../observability/logging/background-log-context';

/** What a scheduler gives its loop: a pass (enqueue what is due, claim, start), and how to execute one claim. */
export interface ClaimLoopWork<Row extends { id: string }> {
  /** Names the work in log lines: "sync run", "verification". */
  what: string;
  pass(): Promise<void>;
  execute(row: Row): Promise<void>;
  /** The log bindings of one execution (it logs as itself, not as the request whose wake-up led to the pass). */
  bindings(row: Row): Record<string, unknown>;
}

/**
 * The loop the sync scheduler and the verification scheduler share, in this instance's memory only for
 * what is this instance's own: one pass at a time (a tick asked for during a pass runs one more right
 * after it, so no wake-up is lost), each claimed row executed as background work, and the ids of the
 * rows it still executes (never claimed again by it, even past their lease; handed back at shutdown).
 * What is due, the claims, their leases and fencing tokens live in PostgreSQL.
 */
export class ClaimLoop<Row extends { id: string }> {
  private readonly active = new Map<string, Promise<void>>();
  private ticking = false;
  private again = false;
  private stopped = false;

  constructor(
    private readonly logger: Logger,
    private readonly work: ClaimLoopWork<Row>,
  ) {}

  /** Ids of the rows this instance is executing. */
  get executing(): string[] {
    return [...this.active.keys()];
  }

  get size(): number {
    return this.active.size;
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /** No pass starts after this; executions under way go on until they end or lose their lease. */
  stop(): void {
    this.stopped = true;
  }

  async tick(): Promise<void> {
    if (this.stopped) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    this.ticking = true;
    try {
      do {
        this.again = false;
        await this.work.pass();
      } while (this.again && !this.stopped);
    } catch (e) {
      this.logger.warn(`${this.work.what} tick failed: ${(e as Error).message}`);
    } finally {
      this.ticking = false;
    }
  }

  /** Executes a claimed row in the background; when it ends, `onSettled` runs and another pass makes use of the room. */
  start(row: Row, onSettled?: () => void): void {
    const p: Promise<void> = runAsBackgroundWork(this.work.bindings(row), () => this.work.execute(row))
      .catch((e) => this.logger.error({ err: e }, `${this.work.what} ${row.id} crashed`))
      .finally(() => {
        // Only this execution's entry: another instance may have the row now, this one never twice.
        if (this.active.get(row.id) === p) {
          this.active.delete(row.id);
          onSettled?.();
        }
        void this.tick();
      });
    this.active.set(row.id, p);
  }

  /** Waits for the executions under way, at most `ms` (at shutdown, after their claims were handed back). */
  async settle(ms: number): Promise<void> {
    if (!this.active.size) return;
    await Promise.race([Promise.allSettled(this.active.values()), new Promise((r) => setTimeout(r, ms))]);
  }

  /** For tests: until this instance executes nothing. */
  async idle(): Promise<void> {
    while (this.active.size) await Promise.allSettled(this.active.values());
  }
}
