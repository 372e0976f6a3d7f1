import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { SyncStream } from '../sync-run.types';

/** A row of `sync_cursors`: the durable watermark of one stream of one connector. */
export interface SyncCursorRow {
  stream: SyncStream;
  watermark: Date | null;
}

/** Watermarks per stream (`sync_cursors`): what every later incremental run starts from. */
@Injectable()
export class SyncCursorRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async watermarks(connectorId: string): Promise<Partial<Record<SyncStream, Date | null>>> {
    const rows: SyncCursorRow[] = await this.dataSource.query(`SELECT stream, watermark FROM sync_cursors WHERE connector_id = $1`, [
      connectorId,
    ]);
    return Object.fromEntries(rows.map((r) => [r.stream, r.watermark]));
  }

  /** Ids a stream recorded as already handled inside its overlap window (events). */
  async handledIds(connectorId: string, stream: SyncStream): Promise<Set<string>> {
    const rows: { ids: string[] }[] = await this.dataSource.query(
      `SELECT handled_ids::text[] AS ids FROM sync_cursors WHERE connector_id = $1 AND stream = $2`,
      [connectorId, stream],
    );
    return new Set(rows[0]?.ids ?? []);
  }

  /** Inside the page's transaction, with the watermark they go with (replaces the previous set). */
  async setHandledIds(m: EntityManager, c: { tenantId: string; connectorId: string }, stream: SyncStream, ids: string[]): Promise<void> {
    await m.query(
      `INSERT INTO sync_cursors (connector_id, stream, tenant_id, handled_ids, updated_at) VALUES ($1, $2, $3, $4::bigint[], now())
       ON CONFLICT (connector_id, stream) DO UPDATE SET handled_ids = EXCLUDED.handled_ids, updated_at = now()`,
      [c.connectorId, stream, c.tenantId, ids],
    );
  }

  /**
   * Inside the page's transaction; a watermark only moves forward, but never past `cap` (the run's
   * start plus a skew allowance): a watermark stored in the future earlier is brought back to it.
   */
  async setWatermark(
    m: EntityManager,
    c: { tenantId: string; connectorId: string },
    stream: SyncStream,
    watermark: string | Date,
    cap: Date,
  ): Promise<void> {
    await m.query(
      `INSERT INTO sync_cursors (connector_id, stream, tenant_id, watermark, updated_at) VALUES ($1, $2, $3, LEAST($4::timestamptz, $5::timestamptz), now())
       ON CONFLICT (connector_id, stream) DO UPDATE
         SET watermark = LEAST(GREATEST(sync_cursors.watermark, EXCLUDED.watermark), $5::timestamptz), updated_at = now()`,
      [c.connectorId, stream, c.tenantId, watermark, cap],
    );
  }
}
