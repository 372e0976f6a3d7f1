import { randomBytes } from 'node:crypto';
import { SecretCipher, SecretUnreadableError } from '../../secrets/secret-cipher';
import { ConnectorsRepository, StoredApiKey } from '../connectors.repository';
import { ConnectorCredentials } from './connector-credentials';

// A repository double holding one stored key: the vault's logic is the cipher's associated data.
const newCipher = () => new SecretCipher(`k1:${randomBytes(32).toString('base64')}`);

function vault(stored?: StoredApiKey, cipher = newCipher()) {
  const unreadable: string[] = [];
  const repo = {
    storedApiKey: () => Promise.resolve(stored!),
    findById: ({ connectorId: id }: { connectorId: string }) =>
      Promise.resolve(stored && id === stored.id ? { id, subdomain: stored.subdomain } : null),
    markCredentialsUnreadable: ({ connectorId: id }: { connectorId: string }) => Promise.resolve(void unreadable.push(id)),
  } as unknown as ConnectorsRepository;
  return { cipher, unreadable, credentials: new ConnectorCredentials(cipher, repo) };
}

describe('ConnectorCredentials', () => {
  it('seals a key for the id chosen before the insert, readable under that id only', () => {
    const { cipher, credentials } = vault();
    const id = credentials.newConnectorId();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const sealed = credentials.seal(id, 'gorgias-key-0123456789');
    expect(sealed).toMatchObject({ apiKeyKeyId: 'k1', apiKeyLast4: '6789' });
    expect(sealed.apiKeyCiphertext).not.toContain('gorgias-key');
    expect(cipher.decrypt({ ciphertext: sealed.apiKeyCiphertext, keyId: sealed.apiKeyKeyId }, id)).toBe('gorgias-key-0123456789');
    expect(() => cipher.decrypt({ ciphertext: sealed.apiKeyCiphertext, keyId: sealed.apiKeyKeyId }, credentials.newConnectorId())).toThrow(
      SecretUnreadableError,
    );
  });

  it('decrypts stored credentials by connector id', async () => {
    const cipher = newCipher();
    const id = vault(undefined, cipher).credentials.newConnectorId();
    const sealed = vault(undefined, cipher).credentials.seal(id, 'gorgias-key-0123456789');
    const stored = { id, email: 'a@b.test', subdomain: 'acme', apiKeyCiphertext: sealed.apiKeyCiphertext, apiKeyKeyId: 'k1' };
    const { credentials } = vault(stored, cipher);
    await expect(credentials.credentialsOf({ tenantId: 't1', connectorId: id })).resolves.toEqual({
      email: 'a@b.test',
      subdomain: 'acme',
      apiKey: 'gorgias-key-0123456789',
    });
    await expect(
      credentials.findWithCredentials({ tenantId: 't1', connectorId: '00000000-0000-4000-8000-000000000000' }),
    ).resolves.toBeNull();
  });

  it('puts the connector in ERROR when its key cannot be read, then throws', async () => {
    const id = '11111111-1111-4111-8111-111111111111';
    const { credentials, unreadable } = vault({ id, email: 'a@b.test', subdomain: 'acme', apiKeyCiphertext: 'garbage', apiKeyKeyId: 'k0' });
    await expect(credentials.findWithCredentials({ tenantId: 't1', connectorId: id })).rejects.toBeInstanceOf(SecretUnreadableError);
    expect(unreadable).toEqual([id]);
  });
});
