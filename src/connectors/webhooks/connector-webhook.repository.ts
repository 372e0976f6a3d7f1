import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { queryRows } from '../../database/query-rows';
import type { EncryptedSecret } from '../../secrets/secret-cipher';

export type WebhookState = 'REGISTERED' | 'REFUSED' | 'FAILED' | 'REMOVED';

/** A connector's webhook as stored (the secret only as ciphertext). */
export interface ConnectorWebhookRow {
  connectorId: string;
  tenantId: string;
  state: WebhookState;
  integrationId: string | null;
  url: string;
  detail: string | null;
  lastWebhookAt: Date | null;
  updatedAt: Date;
}

export interface WebhookSecretRow {
  connectorId: string;
  tenantId: string;
  connectorStatus: string;
  secretCiphertext: string;
  secretKeyId: string;
}

/** Step 2 of findSecret, with the tenant step 1 found: one task on the tenant's node. Exported for the test that EXPLAINs it. */
export const FIND_SECRET_SQL = `SELECT w.connector_id AS "connectorId", w.tenant_id AS "tenantId", c.status AS "connectorStatus",
       w.secret_ciphertext AS "secretCiphertext", w.secret_key_id AS "secretKeyId"
  FROM connector_webhooks w JOIN connectors c ON c.tenant_id = w.tenant_id AND c.id = w.connector_id
 WHERE w.connector_id = $1 AND w.tenant_id = $2`;

const COLUMNS = `connector_id AS "connectorId", tenant_id AS "tenantId", state, integration_id::text AS "integrationId",
  url, detail, last_webhook_at AS "lastWebhookAt", updated_at AS "updatedAt"`;

/** The only SQL on `connector_webhooks`. */
@Injectable()
export class ConnectorWebhookRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async find(c: { tenantId: string; connectorId: string }): Promise<ConnectorWebhookRow | null> {
    const rows = await queryRows<ConnectorWebhookRow>(
      this.dataSource,
      `SELECT ${COLUMNS} FROM connector_webhooks WHERE tenant_id = $2 AND connector_id = $1`,
      [c.connectorId, c.tenantId],
    );
    return rows[0] ?? null;
  }

  /** Batch for GraphQL (Connector.realtime), scoped to the caller's tenant; with the encrypted secret, to tell whether it still decrypts. */
  findMany(tenantId: string, connectorIds: readonly string[]): Promise<(ConnectorWebhookRow & { secret: EncryptedSecret | null })[]> {
    return queryRows<ConnectorWebhookRow & { secret: EncryptedSecret | null }>(
      this.dataSource,
      `SELECT ${COLUMNS}, CASE WHEN secret_ciphertext = '' THEN NULL
                               ELSE json_build_object('ciphertext', secret_ciphertext, 'keyId', secret_key_id) END AS secret
         FROM connector_webhooks WHERE tenant_id = $1 AND connector_id = ANY($2::uuid[])`,
      [tenantId, connectorIds],
    );
  }

  /** Secrets stored under another key id than `keyId` (for re-encryption under the current key; every tenant). */
  secretsNotUnder(keyId: string): Promise<{ connectorId: string; tenantId: string; secret: EncryptedSecret }[]> {
    return queryRows(
      this.dataSource,
      `SELECT connector_id AS "connectorId", tenant_id AS "tenantId",
              json_build_object('ciphertext', secret_ciphertext, 'keyId', secret_key_id) AS secret
         FROM connector_webhooks WHERE secret_ciphertext <> '' AND secret_key_id <> $1`,
      [keyId],
    );
  }

  /** Replaces the stored secret only if it is still `expected` (a rotation meanwhile, or another instance, wins); true when replaced. */
  async replaceSecretIf(c: { tenantId: string; connectorId: string }, expected: EncryptedSecret, next: EncryptedSecret): Promise<boolean> {
    const rows = await queryRows(
      this.dataSource,
      `UPDATE connector_webhooks SET secret_ciphertext = $2, secret_key_id = $3, updated_at = now()
        WHERE tenant_id = $6 AND connector_id = $1 AND secret_ciphertext = $4 AND secret_key_id = $5 RETURNING connector_id`,
      [c.connectorId, next.ciphertext, next.keyId, expected.ciphertext, expected.keyId, c.tenantId],
    );
    return rows.length > 0;
  }

  /**
   * What the intake needs to authenticate a delivery. A delivery's URL names the connector only: its
   * tenant comes first from `connector_directory` (coordinator-local on Citus), then the secret from the
   * tenant's node, so neither read asks every shard (test/citus/router-plans.citus-spec.ts).
   */
  async findSecret(connectorId: string): Promise<WebhookSecretRow | null> {
    const [owner] = await queryRows<{ tenantId: string }>(
      this.dataSource,
      `SELECT tenant_id AS "tenantId" FROM connector_directory WHERE connector_id = $1`,
      [connectorId],
    );
    if (!owner) return null;
    const rows = await queryRows<WebhookSecretRow>(this.dataSource, FIND_SECRET_SQL, [connectorId, owner.tenantId]);
    return rows[0] ?? null;
  }

  async save(
    m: EntityManager | undefined,
    row: {
      connectorId: string;
      tenantId: string;
      state: WebhookState;
      integrationId: number | string | null;
      url: string;
      detail: string | null;
      secret?: { ciphertext: string; keyId: string };
    },
  ): Promise<void> {
    const secret = row.secret ?? null;
    await (m ?? this.dataSource.manager).query(
      `INSERT INTO connector_webhooks (connector_id, tenant_id, state, integration_id, url, detail, secret_ciphertext, secret_key_id, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, coalesce($7, ''), coalesce($8, ''), now())
       ON CONFLICT (tenant_id, connector_id) DO UPDATE SET state = EXCLUDED.state, integration_id = EXCLUDED.integration_id,
              url = EXCLUDED.url, detail = EXCLUDED.detail, updated_at = EXCLUDED.updated_at, -- Citus: no now() in DO UPDATE
              secret_ciphertext = coalesce($7, connector_webhooks.secret_ciphertext),
              secret_key_id = coalesce($8, connector_webhooks.secret_key_id)`,
      [row.connectorId, row.tenantId, row.state, row.integrationId, row.url, row.detail, secret?.ciphertext ?? null, secret?.keyId ?? null],
    );
  }

  /** Connectors whose registration could not reach Gorgias: retried after their next successful sync. */
  async needsRetry(k: { tenantId: string; connectorId: string }): Promise<boolean> {
    const rows = await queryRows<{ state: string }>(
      this.dataSource,
      `SELECT w.state FROM connector_webhooks w JOIN connectors c ON c.tenant_id = w.tenant_id AND c.id = w.connector_id
        WHERE w.tenant_id = $2 AND w.connector_id = $1 AND w.state = 'FAILED' AND c.status = 'ACTIVE'`,
      [k.connectorId, k.tenantId],
    );
    return rows.length > 0;
  }
}
