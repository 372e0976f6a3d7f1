import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** Length of a rate-limit window of the webhook endpoint. */
export const WEBHOOK_RATE_WINDOW_SECONDS = 60;

/**
 * The webhook endpoint's rate counters, in PostgreSQL so that every gateway instance counts into the
 * same window (a per-instance counter would let N instances take N times the limit). One row per
 * (scope, subject, minute), upserted per delivery; old windows are deleted by WebhookBacklogRepository.
 */
@Injectable()
export class WebhookRateRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Counts one delivery; returns the window's count so far and the seconds left until the window ends. */
  async hit(scope: 'address' | 'connector', subject: string): Promise<{ hits: number; secondsLeft: number }> {
    const [row] = await this.dataSource.query(
      `WITH w AS (SELECT to_timestamp(floor(extract(epoch FROM now()) / $3) * $3) AS start)
       INSERT INTO webhook_rate_counters (scope, subject, window_start, hits)
       SELECT $1, $2, w.start, 1 FROM w
       ON CONFLICT (scope, subject, window_start) DO UPDATE SET hits = webhook_rate_counters.hits + 1
       RETURNING hits, greatest(1, ceil(extract(epoch FROM window_start) + $3 - extract(epoch FROM now())))::int AS "secondsLeft"`,
      [scope, subject, WEBHOOK_RATE_WINDOW_SECONDS],
    );
    return row;
  }
}
