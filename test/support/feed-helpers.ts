import { DataSource, EntityManager } from 'typeorm';
import { FeedCursorCodec, FeedPosition } from '../../src/tickets/changes/ticket-change-cursor';
import { TicketChangeRecorder } from '../../src/tickets/changes/ticket-change.recorder';
import { TEST_ENCRYPTION_KEYS } from './test-app';

/** A connector row, as the setup flow would leave it (no Gorgias behind it: the feed tests write rows directly). */
export async function seedConnector(
  db: DataSource | EntityManager | { query(sql: string, params: unknown[]): Promise<unknown> },
  id: string,
  tenantId: string,
  subdomain = `s${id.slice(-8)}`,
): Promise<void> {
  await db.query(
    `INSERT INTO connectors (id, tenant_id, name, email, subdomain, api_key_ciphertext, api_key_key_id, api_key_last4, status)
     VALUES ($1, $2, 'Feed test', 'feed@acme.test', $3, 'x', 'k', '0000', 'ACTIVE')`,
    [id, tenantId, subdomain],
  );
}

export interface WrittenVersion {
  externalId: string;
  /** 1, 2, 3... per ticket, in commit order (the row lock serialises writers of one ticket). */
  version: number;
  /** Unique per write attempt, kept in the subject: tells a committed write from a rolled-back one. */
  token: string;
  position: FeedPosition;
}

/**
 * One write of a ticket as the sync does it: the ticket row and its feed row in the caller's
 * transaction. The version is `messages_count`, bumped by each write. Written as Citus takes it too
 * (tenant-keyed conflict target, no now() inside CASE or DO UPDATE).
 */
export async function writeTicketVersion(
  m: EntityManager,
  recorder: TicketChangeRecorder,
  scope: { tenantId: string; connectorId: string },
  externalId: string,
  token: string,
  extra: { trashed?: boolean; deleted?: boolean } = {},
): Promise<WrittenVersion> {
  const [row] = await m.query(
    `INSERT INTO tickets (tenant_id, connector_id, external_id, subject, status, messages_count, created_at, updated_at, trashed_at, deleted_at, payload)
     VALUES ($1, $2, $3, $4, 'open', 1, now(), now(), now() + CASE WHEN $5 THEN interval '0' END, now() + CASE WHEN $6 THEN interval '0' END, '{}')
     ON CONFLICT (tenant_id, connector_id, external_id) DO UPDATE SET
       subject = EXCLUDED.subject, messages_count = tickets.messages_count + 1, updated_at = EXCLUDED.updated_at,
       trashed_at = EXCLUDED.trashed_at, deleted_at = EXCLUDED.deleted_at
     RETURNING messages_count`,
    [scope.tenantId, scope.connectorId, externalId, token, !!extra.trashed, !!extra.deleted],
  );
  const [recorded] = await recorder.record(m, scope, [externalId]);
  return { externalId, version: row.messages_count, token, position: recorded.position };
}

/** The feed cursors of the test apps (sealed with their SECRETS_ENCRYPTION_KEYS). */
export const testFeedCursors = new FeedCursorCodec(TEST_ENCRYPTION_KEYS);
/** The position inside a cursor the gateway gave `tenantId` (cursors are opaque to clients, not to tests). */
export const positionOf = (cursor: string, tenantId: string): FeedPosition => testFeedCursors.decode(tenantId, cursor)!;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
