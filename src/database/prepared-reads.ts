import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool, PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { appConfig, AppConfig } from '../config/app.config';

/** PostgreSQL's answer when a prepared statement's result columns changed under it (a migration added one to `t.*`). */
const CACHED_PLAN_CHANGED = '0A000';

const isCachedPlanChanged = (e: unknown) =>
  (e as { code?: string }).code === CACHED_PLAN_CHANGED && /cached plan must not change result type/.test((e as Error).message);

/** pg's per-connection bookkeeping of named statements (no public API for forgetting one). */
interface PgConnectionStatements {
  parsedStatements: Record<string, string>;
  submittedNamedStatements?: Record<string, string>;
}

/**
 * Hot reads as named prepared statements: PostgreSQL parses and plans a statement once per
 * connection instead of on every request (for the ticket search, planning was half of PostgreSQL's
 * time per request). Names are a hash of the text, so one text is one statement everywhere.
 *
 * Each pooled connection keeps at most `DB_PREPARED_STATEMENTS` of them, least recently used
 * dropped with DEALLOCATE (queued on the same connection, so it runs before anything that follows).
 * Selections differ per client query, so without the bound a client could grow a backend's memory.
 * 0 sends every statement unnamed: needed behind a pooler in transaction mode that does not
 * track prepared statements.
 */
@Injectable()
export class PreparedReads {
  private readonly lru = new WeakMap<PoolClient, Map<string, true>>();
  private readonly names = new Map<string, string>();
  private readonly capacity: number;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(appConfig.KEY) config: AppConfig,
  ) {
    this.capacity = config.database.preparedStatements;
  }

  /** Rows of one read-only statement. */
  async rows<T>(text: string, values: unknown[]): Promise<T[]> {
    if (!this.capacity) return this.dataSource.query(text, values);
    const pool = (this.dataSource.driver as unknown as { master: Pool }).master;
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      const name = this.use(client, text);
      try {
        return (await client.query({ name, text, values })).rows as T[];
      } catch (e) {
        if (!isCachedPlanChanged(e)) throw e;
        // The table changed shape since this connection prepared the statement: prepare it again.
        this.forget(client, name);
        return (await client.query({ name, text, values })).rows as T[];
      }
    } catch (e) {
      // A query error leaves the connection usable; a broken socket (no SQLSTATE) must not go back to the pool.
      if (!(e as { code?: string }).code) broken = e as Error;
      throw e;
    } finally {
      client.release(broken);
    }
  }

  /** The statement's name on this connection, making room for it when the connection is full. */
  private use(client: PoolClient, text: string): string {
    let name = this.names.get(text);
    if (!name) {
      name = `cx_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
      // Texts are bounded by the queries clients send; past the capacity the hash is simply recomputed.
      if (this.names.size < this.capacity * 4) this.names.set(text, name);
    }
    let used = this.lru.get(client);
    if (!used) this.lru.set(client, (used = new Map()));
    used.delete(name);
    used.set(name, true);
    if (used.size > this.capacity) {
      const oldest = used.keys().next().value as string;
      used.delete(oldest);
      this.forget(client, oldest);
    }
    return name;
  }

  private forget(client: PoolClient, name: string): void {
    const connection = (client as unknown as { connection: PgConnectionStatements }).connection;
    if (!(name in connection.parsedStatements)) return; // never prepared (its first run failed before parsing)
    delete connection.parsedStatements[name];
    if (connection.submittedNamedStatements) delete connection.submittedNamedStatements[name];
    // Queued before anything else on this connection; if it fails the connection is gone anyway.
    client.query(`DEALLOCATE ${name}`).catch(() => undefined);
  }
}
