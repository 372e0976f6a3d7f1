import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { queryRows } from '../database/query-rows';
import { ConnectorEntity, ConnectorProvider } from './entities/connector.entity';

/** The encrypted key of a connector, as stored (never leaves the connectors module undecrypted). */
export interface StoredApiKey {
  id: string;
  email: string;
  subdomain: string;
  apiKeyCiphertext: string;
  apiKeyKeyId: string;
}

/** Columns a connector update may set (`nextSyncAt: 'now'` stamps the database's time). */
export type ConnectorPatch = Partial<Omit<ConnectorEntity, 'nextSyncAt'>> & { nextSyncAt?: Date | null | 'now' };

/** Which connector: the tenant comes with the id, so that Citus finds the row on one node. */
export interface ConnectorKey {
  tenantId: string;
  connectorId: string;
}

/** How a failed run is recorded on its connector. */
export interface SyncFailureRecord {
  message: string;
  code: string;
  needsUser: boolean;
  retryInMs: number;
}

/** Every read and write of `connectors` (TypeORM's entity repository and SQL). Tenant-scoped unless named otherwise. */
@Injectable()
export class ConnectorsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private entities(m?: EntityManager) {
    return (m ?? this.dataSource.manager).getRepository(ConnectorEntity);
  }

  list(tenantId: string): Promise<ConnectorEntity[]> {
    return this.entities().find({ where: { tenantId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  find(tenantId: string, id: string): Promise<ConnectorEntity | null> {
    return this.entities().findOne({ where: { tenantId, id } });
  }

  /** For the sync engine, which holds a run of the connector (already authorised; the run names the tenant). */
  findById(c: ConnectorKey, m?: EntityManager): Promise<ConnectorEntity | null> {
    return this.entities(m).findOne({ where: { tenantId: c.tenantId, id: c.connectorId } });
  }

  findGorgiasBySubdomain(tenantId: string, subdomain: string): Promise<ConnectorEntity | null> {
    return this.entities().findOne({ where: { tenantId, provider: ConnectorProvider.GORGIAS, subdomain } });
  }

  /**
   * Inserts a connector with its id and encrypted key (one INSERT: the id was chosen before the key was
   * encrypted, since it is the cipher's associated data). `save` would SELECT first for a given id.
   * Its row in `connector_directory` (connector id to tenant, for the webhook intake) in the same transaction.
   */
  async insert(
    m: EntityManager,
    fields: Partial<ConnectorEntity> & Pick<ConnectorEntity, 'id' | 'tenantId' | 'apiKeyCiphertext' | 'apiKeyKeyId'>,
  ): Promise<void> {
    await this.entities(m).insert(fields);
    await m.query(`INSERT INTO connector_directory (connector_id, tenant_id) VALUES ($1, $2)`, [fields.id, fields.tenantId]);
  }

  async update(m: EntityManager, tenantId: string, id: string, patch: ConnectorPatch): Promise<void> {
    const { nextSyncAt, ...rest } = patch;
    const values = { ...rest, ...(nextSyncAt === undefined ? {} : { nextSyncAt: nextSyncAt === 'now' ? () => 'now()' : nextSyncAt }) };
    await this.entities(m).update({ id, tenantId }, values as never);
  }

  /** The row as it is now (inside `m`'s transaction). */
  reload(m: EntityManager, tenantId: string, id: string): Promise<ConnectorEntity> {
    return this.entities(m).findOneOrFail({ where: { tenantId, id } });
  }

  /**
   * Deletes the connector; its synced data goes with it (ON DELETE CASCADE on the tenant-keyed foreign
   * keys). Its runs, cursors and feed positions stay on the Citus coordinator, where no foreign key can
   * reach a distributed table: they are deleted here, in the same transaction, with its directory row.
   */
  async delete(tenantId: string, id: string): Promise<boolean> {
    return this.dataSource.transaction(async (m) => {
      const result = await this.entities(m).delete({ id, tenantId });
      if (!result.affected) return false;
      for (const table of ['sync_runs', 'sync_cursors', 'ticket_changes', 'sync_verifications', 'connector_directory']) {
        await m.query(`DELETE FROM ${table} WHERE tenant_id = $1 AND connector_id = $2`, [tenantId, id]);
      }
      return true;
    });
  }

  storedApiKey(c: ConnectorKey): Promise<StoredApiKey> {
    return this.entities()
      .createQueryBuilder('c')
      .select(['c.id', 'c.email', 'c.subdomain', 'c.apiKeyCiphertext', 'c.apiKeyKeyId'])
      .where('c.tenant_id = :tenantId AND c.id = :id', { tenantId: c.tenantId, id: c.connectorId })
      .getOneOrFail();
  }

  async storeApiKey(m: EntityManager, c: ConnectorKey, key: { ciphertext: string; keyId: string; last4: string }): Promise<void> {
    await this.entities(m).update(
      { tenantId: c.tenantId, id: c.connectorId },
      { apiKeyCiphertext: key.ciphertext, apiKeyKeyId: key.keyId, apiKeyLast4: key.last4 },
    );
  }

  /** Whether anything was synced for the connector (tickets, messages or a watermark). */
  async hasSyncedData(c: ConnectorKey): Promise<boolean> {
    // Two reads: tickets and messages are on the tenant's node, the cursors on the coordinator.
    const [data] = await this.dataSource.query(
      `SELECT EXISTS (SELECT 1 FROM tickets WHERE tenant_id = $1 AND connector_id = $2)
           OR EXISTS (SELECT 1 FROM messages WHERE tenant_id = $1 AND connector_id = $2) AS synced`,
      [c.tenantId, c.connectorId],
    );
    if (data.synced === true) return true;
    const [cursor] = await this.dataSource.query(`SELECT EXISTS (SELECT 1 FROM sync_cursors WHERE connector_id = $1) AS synced`, [
      c.connectorId,
    ]);
    return cursor.synced === true;
  }

  /**
   * A poll succeeded: the connector is healthy (back to ACTIVE if it was in ERROR) and due again after
   * `pollSeconds` (at most its interval), webhooks or not: a delivery Gorgias dropped has no other
   * way in, so the cheap poll bounds how old any change can get (issue 27).
   */
  async recordSyncSuccess(m: EntityManager, c: ConnectorKey, poll: { pollSeconds: number }): Promise<void> {
    // Citus refuses, in an UPDATE of a distributed table, now() inside a CASE and now() + a column: the due
    // time is now() + CASE (...) END (now() + NULL is NULL).
    await m.query(
      `UPDATE connectors SET last_synced_at = now(), last_error = NULL, last_error_code = NULL,
              status = CASE WHEN status = 'ERROR' THEN 'ACTIVE' ELSE status END,
              next_sync_at = now() + CASE WHEN status IN ('ACTIVE','ERROR')
                THEN LEAST(make_interval(secs => $2), make_interval(mins => sync_interval_minutes)) END,
              updated_at = now()
        WHERE tenant_id = $3 AND id = $1`,
      [c.connectorId, poll.pollSeconds, c.tenantId],
    );
  }

  /** A run failed: `needsUser` puts an ACTIVE connector in ERROR; otherwise it is due again after `retryInMs` at most.
   *  Returns when the connector is synced next (null: not until someone acts). */
  async recordSyncFailure(m: EntityManager, c: ConnectorKey, failure: SyncFailureRecord): Promise<Date | null> {
    // now() + CASE (...) END: Citus refuses now() inside a CASE, and now() + a column (see recordSyncSuccess).
    const [row] = await queryRows<{ next: Date | null }>(
      m,
      `UPDATE connectors SET last_error = $2, last_error_code = $3,
              status = CASE WHEN $4 AND status = 'ACTIVE' THEN 'ERROR' ELSE status END,
              next_sync_at = now() + CASE WHEN $4 OR status <> 'ACTIVE' THEN NULL
                                          ELSE LEAST(make_interval(secs => $5), make_interval(mins => sync_interval_minutes)) END,
              updated_at = now()
        WHERE tenant_id = $6 AND id = $1 RETURNING next_sync_at AS next`,
      [c.connectorId, failure.message, failure.code, failure.needsUser, failure.retryInMs / 1000, c.tenantId],
    );
    return row?.next ?? null;
  }

  /** Keeps the result of a connection check on the connector (null: credentials changed unchecked, forget the old one). */
  async recordCheck(
    tenantId: string,
    id: string,
    check: { ok: boolean; code: string; message: string } | null,
    m?: EntityManager,
  ): Promise<void> {
    await (m ?? this.dataSource.manager).query(
      `UPDATE connectors SET last_check_ok = $3, last_check_code = $4, last_check_message = $5,
              last_checked_at = now() + CASE WHEN $3::boolean IS NULL THEN NULL ELSE interval '0' END
        WHERE tenant_id = $1 AND id = $2`,
      // now() + CASE (...) END: Citus refuses now() inside a CASE in an UPDATE (see recordSyncSuccess).
      [tenantId, id, check?.ok ?? null, check?.code ?? null, check?.message ?? null],
    );
  }

  /** API keys stored under another key id than `keyId` (for re-encryption under the current key; every tenant). */
  async apiKeysNotUnder(keyId: string): Promise<(StoredApiKey & { tenantId: string })[]> {
    const rows: { id: string; tenant_id: string; email: string; subdomain: string; ciphertext: string; key_id: string }[] =
      await this.dataSource.query(
        `SELECT id, tenant_id, email, subdomain, api_key_ciphertext AS ciphertext, api_key_key_id AS key_id FROM connectors
        WHERE api_key_key_id <> $1`,
        [keyId],
      );
    return rows.map((r) => ({
      id: r.id,
      tenantId: r.tenant_id,
      email: r.email,
      subdomain: r.subdomain,
      apiKeyCiphertext: r.ciphertext,
      apiKeyKeyId: r.key_id,
    }));
  }

  /** Replaces the stored key only if it is still `expected` (a concurrent save or another instance wins); true when replaced. */
  async replaceApiKeyIf(
    c: ConnectorKey,
    expected: { ciphertext: string; keyId: string },
    next: { ciphertext: string; keyId: string },
  ): Promise<boolean> {
    // queryRows: TypeORM answers an UPDATE with [rows, count], whose length is 2 whether a row changed or not.
    const rows = await queryRows(
      this.dataSource,
      `UPDATE connectors SET api_key_ciphertext = $2, api_key_key_id = $3, updated_at = now()
        WHERE tenant_id = $6 AND id = $1 AND api_key_ciphertext = $4 AND api_key_key_id = $5 RETURNING id`,
      [c.connectorId, next.ciphertext, next.keyId, expected.ciphertext, expected.keyId, c.tenantId],
    );
    return rows.length > 0;
  }

  /** The stored key cannot be decrypted: ERROR (for a connector that syncs) with the advice; it waits for a new key. */
  async markCredentialsUnreadable(c: ConnectorKey, advice: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE connectors SET status = CASE WHEN status = 'ACTIVE' THEN 'ERROR' ELSE status END,
              last_error = $2, last_error_code = 'CREDENTIALS_UNREADABLE',
              next_sync_at = CASE WHEN status IN ('ACTIVE', 'ERROR') THEN NULL ELSE next_sync_at END, updated_at = now()
        WHERE tenant_id = $3 AND id = $1`,
      [c.connectorId, advice, c.tenantId],
    );
  }
}
