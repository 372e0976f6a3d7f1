import { ConnectorsRepository } from '../../src/connectors/connectors.repository';
import { ConnectorWebhookRepository } from '../../src/connectors/webhooks/connector-webhook.repository';
import { IntegrationDb, openIntegrationDb, seedConnector } from './support/integration-db';

/**
 * Re-encryption replaces a stored secret only if it still holds what was read, and says whether it
 * did: instances starting together, or a user saving a new key meanwhile, must not be overwritten,
 * nor counted as re-encrypted.
 */
describe('compare-and-replace of stored secrets', () => {
  let db: IntegrationDb;
  beforeAll(async () => {
    db = await openIntegrationDb();
  });
  afterAll(() => db?.close());

  it('replaces an API key still as read, and leaves one saved meanwhile alone (and says so)', async () => {
    const { tenantId, connectorId } = await seedConnector(db.ds); // key columns: 'x' / 'x'
    const repo = new ConnectorsRepository(db.ds);
    expect(
      await repo.replaceApiKeyIf({ tenantId, connectorId }, { ciphertext: 'stale', keyId: 'x' }, { ciphertext: 'new', keyId: 'k2' }),
    ).toBe(false);
    const [kept] = await db.ds.query(`SELECT api_key_ciphertext, api_key_key_id FROM connectors WHERE id = $1`, [connectorId]);
    expect(kept).toEqual({ api_key_ciphertext: 'x', api_key_key_id: 'x' });
    expect(await repo.replaceApiKeyIf({ tenantId, connectorId }, { ciphertext: 'x', keyId: 'x' }, { ciphertext: 'new', keyId: 'k2' })).toBe(
      true,
    );
    const [replaced] = await db.ds.query(`SELECT api_key_ciphertext, api_key_key_id FROM connectors WHERE id = $1`, [connectorId]);
    expect(replaced).toEqual({ api_key_ciphertext: 'new', api_key_key_id: 'k2' });
  });

  it('does the same for webhook secrets, and lists only those under another key id', async () => {
    const { tenantId, connectorId } = await seedConnector(db.ds);
    const repo = new ConnectorWebhookRepository(db.ds);
    await repo.save(undefined, {
      connectorId,
      tenantId,
      state: 'REGISTERED',
      integrationId: 1,
      url: 'https://sync.example.test/webhooks/gorgias/x',
      detail: null,
      secret: { ciphertext: 'old', keyId: 'k1' },
    });
    const mine = async (keyId: string) => (await repo.secretsNotUnder(keyId)).filter((r) => r.connectorId === connectorId);
    expect(await mine('k2')).toEqual([{ connectorId, tenantId, secret: { ciphertext: 'old', keyId: 'k1' } }]);
    expect(await mine('k1')).toEqual([]);
    expect(
      await repo.replaceSecretIf({ tenantId, connectorId }, { ciphertext: 'stale', keyId: 'k1' }, { ciphertext: 'new', keyId: 'k2' }),
    ).toBe(false);
    expect(
      await repo.replaceSecretIf({ tenantId, connectorId }, { ciphertext: 'old', keyId: 'k1' }, { ciphertext: 'new', keyId: 'k2' }),
    ).toBe(true);
    expect(await mine('k2')).toEqual([]);
  });
});
