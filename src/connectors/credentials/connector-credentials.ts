import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { GorgiasCredentials } from '../../gorgias/gorgias.types';
import { SecretCipher, SecretUnreadableError } from '../../secrets/secret-cipher';
import { adviceFor } from '../connection-advice';
import { ConnectorKey, ConnectorsRepository } from '../connectors.repository';
import { ConnectorEntity } from '../entities/connector.entity';

/** A connector with its decrypted credentials: for the sync engine and the connection checks, never for GraphQL. */
export interface ConnectorWithCredentials {
  connector: ConnectorEntity;
  credentials: GorgiasCredentials;
}

/** The key columns of a connector row, as `seal` writes them. */
export interface SealedApiKey {
  apiKeyCiphertext: string;
  apiKeyKeyId: string;
  apiKeyLast4: string;
}

/**
 * The credential vault: reads and writes a connector's API key by connector key (tenant and id). Callers have already
 * authorised the id (the engine holds a run of the connector; the API checked the tenant), so there is
 * no AuthUser here, and failures are plain errors (`SecretUnreadableError`), never GraphQL errors.
 */
@Injectable()
export class ConnectorCredentials {
  constructor(
    private readonly cipher: SecretCipher,
    private readonly connectors: ConnectorsRepository,
  ) {}

  /**
   * The id of a connector about to be inserted. The id is the cipher's associated data, so it is chosen
   * before the key is encrypted: the row is inserted once, with its key (no placeholder row).
   */
  newConnectorId(): string {
    return randomUUID();
  }

  /** The API key encrypted for the connector `connectorId` (its id as associated data), with its last 4 characters. */
  seal(connectorId: string, apiKey: string): SealedApiKey {
    const enc = this.cipher.encrypt(apiKey, connectorId);
    return { apiKeyCiphertext: enc.ciphertext, apiKeyKeyId: enc.keyId, apiKeyLast4: last4(apiKey) };
  }

  /** Replaces the stored key of an existing connector (inside the caller's transaction). */
  async store(m: EntityManager, c: ConnectorKey, apiKey: string): Promise<void> {
    const sealed = this.seal(c.connectorId, apiKey);
    await this.connectors.storeApiKey(m, c, {
      ciphertext: sealed.apiKeyCiphertext,
      keyId: sealed.apiKeyKeyId,
      last4: sealed.apiKeyLast4,
    });
  }

  /** The decrypted credentials; throws `SecretUnreadableError` when no configured key reads them. */
  async credentialsOf(c: ConnectorKey): Promise<GorgiasCredentials> {
    const row = await this.connectors.storedApiKey(c);
    const apiKey = this.cipher.decrypt({ ciphertext: row.apiKeyCiphertext, keyId: row.apiKeyKeyId }, row.id);
    return { email: row.email, subdomain: row.subdomain, apiKey };
  }

  /**
   * The connector and its decrypted credentials, or null when it is gone. A key that cannot be decrypted
   * puts the connector in ERROR, asking for the key again, before the error goes up to the caller.
   */
  async findWithCredentials(c: ConnectorKey): Promise<ConnectorWithCredentials | null> {
    const connector = await this.connectors.findById(c);
    if (!connector) return null;
    try {
      return { connector, credentials: await this.credentialsOf(c) };
    } catch (e) {
      if (e instanceof SecretUnreadableError) {
        await this.connectors.markCredentialsUnreadable(c, adviceFor(e, connector.subdomain).message);
      }
      throw e;
    }
  }

  /** For the engine's messages about a connector whose credentials it could not read. */
  async subdomainOf(c: ConnectorKey): Promise<string | null> {
    return (await this.connectors.findById(c))?.subdomain ?? null;
  }
}

function last4(apiKey: string): string {
  return apiKey.slice(-4);
}
