import { sourceTimeMs } from '../engine/source/helpdesk-source';

/**
 * The window a verification compares: records whose Gorgias created_datetime is within [from, to]
 * (an open end when null). Tickets are judged by their own creation time, messages by theirs: a
 * message created in the window belongs to it even when its ticket is older.
 */
export class VerificationWindow {
  private readonly fromMs: number;
  private readonly toMs: number;

  constructor(
    readonly from: Date | null,
    readonly to: Date | null,
  ) {
    this.fromMs = from ? from.getTime() : -Infinity;
    this.toMs = to ? to.getTime() : Infinity;
  }

  get fromIso(): string | null {
    return this.from ? this.from.toISOString() : null;
  }

  get toIso(): string | null {
    return this.to ? this.to.toISOString() : null;
  }

  /** Whether a record created at `created` (a Gorgias datetime) is in the window. */
  holds(created: string): boolean {
    const ms = sourceTimeMs(created);
    return ms >= this.fromMs && ms <= this.toMs;
  }

  /** Whether `created` is older than the window: a list walked newest first can stop there. */
  isBefore(created: string): boolean {
    return sourceTimeMs(created) < this.fromMs;
  }
}
