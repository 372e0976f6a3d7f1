import { DataSource } from 'typeorm';
import { ConnectorEntity } from '../../src/connectors/entities/connector.entity';
import { ConnectorsRepository } from '../../src/connectors/connectors.repository';
import { ConnectorWebhookRepository } from '../../src/connectors/webhooks/connector-webhook.repository';
import { IntegrationDb, openIntegrationDb, seedConnector } from './support/integration-db';
import { migrations } from '../../migrations';
import { CitusFanOut1764000000140 } from '../../migrations/1764000000140-CitusFanOut';

/**
 * connector_directory (migration 1764000000140): the tenant of a connector by its id, for the webhook intake,
 * whose delivery URL names only the connector. Filled by the migration, kept with the connector.
 */
describe('connector directory (real PostgreSQL)', () => {
  let db: IntegrationDb;
  beforeAll(async () => {
    db = await openIntegrationDb();
  });
  afterAll(() => db?.close());

  const owner = async (connectorId: string) =>
    (await db.ds.query(`SELECT tenant_id FROM connector_directory WHERE connector_id = $1`, [connectorId]))[0]?.tenant_id ?? null;
  const withWebhook = (c: { tenantId: string; connectorId: string }) =>
    db.ds.query(
      `INSERT INTO connector_webhooks (connector_id, tenant_id, state, url, secret_ciphertext, secret_key_id)
       VALUES ($1, $2, 'REGISTERED', 'https://gw.example/webhooks', 'cipher', 'k')`,
      [c.connectorId, c.tenantId],
    );

  it('the migration fills it from the connectors there are', async () => {
    const c = await seedConnector(db.ds); // a raw INSERT: in no directory yet
    expect(await owner(c.connectorId)).toBeNull();
    // Undo every migration down to and including the one that made the directory (later ones sit on top of it).
    const undo = migrations.length - migrations.indexOf(CitusFanOut1764000000140);
    for (let i = 0; i < undo; i++) await db.ds.undoLastMigration();
    await db.ds.runMigrations();
    expect(await owner(c.connectorId)).toBe(c.tenantId);
  });

  it('a connector inserted through the repository is in it, a deleted one is not; the intake finds the secret through it', async () => {
    // The repository works through the connector entity, as in the app.
    const withEntity = new DataSource({ type: 'postgres', url: (db.ds.options as { url: string }).url, entities: [ConnectorEntity] });
    await withEntity.initialize();
    const connectors = new ConnectorsRepository(withEntity);
    const webhooks = new ConnectorWebhookRepository(db.ds);
    const c = { tenantId: 'tenant-directory', connectorId: '7d1f0c52-3f39-4a8e-9d1e-2b7c2f0e9a11' };
    await withEntity.transaction((m) =>
      connectors.insert(m, {
        id: c.connectorId,
        tenantId: c.tenantId,
        name: 'c',
        email: 'a@example.com',
        subdomain: 'directory',
        apiKeyCiphertext: 'x',
        apiKeyKeyId: 'k',
        apiKeyLast4: 'abcd',
      }),
    );
    expect(await owner(c.connectorId)).toBe(c.tenantId);
    await withWebhook(c);
    expect(await webhooks.findSecret(c.connectorId)).toMatchObject({ tenantId: c.tenantId, secretCiphertext: 'cipher' });
    expect(await connectors.delete(c.tenantId, c.connectorId)).toBe(true);
    expect(await owner(c.connectorId)).toBeNull();
    expect(await webhooks.findSecret(c.connectorId)).toBeNull();
    await withEntity.destroy();
  });
});
