/**
 * Re-encrypts every stored API key and webhook secret under the current key (the first of SECRETS_ENCRYPTION_KEYS):
 *   npm run secrets:reencrypt
 * The gateway also does this at start-up. Afterwards, retired keys can be removed from
 * SECRETS_ENCRYPTION_KEYS. Uses DATABASE_URL, or the embedded development database when it is unset.
 */
import 'reflect-metadata';
import { ConnectorsRepository } from '../src/connectors/connectors.repository';
import { reencryptRetiredKeys } from '../src/connectors/credentials/credential-rotation';
import { ConnectorWebhookRepository } from '../src/connectors/webhooks/connector-webhook.repository';
import { unreadableWebhookSecretAdvice } from '../src/connectors/webhooks/webhook-secret-unreadable';
import { SecretCipher } from '../src/secrets/secret-cipher';
import { SyncLogRepository } from '../src/sync/repositories/sync-log.repository';
import { SyncLogLevel } from '../src/sync/sync-run.types';
import { runWithDatabase } from './with-database';

runWithDatabase({}, async (dataSource) => {
  const cipher = new SecretCipher(process.env.SECRETS_ENCRYPTION_KEYS!);
  const r = await reencryptRetiredKeys(new ConnectorsRepository(dataSource), new ConnectorWebhookRepository(dataSource), cipher);
  // The gateway's start-up writes the same line: the connector's users read the sync log, not this output.
  const logs = new SyncLogRepository(dataSource);
  for (const u of r.webhookSecrets.unreadable) {
    await logs.insert({ tenantId: u.tenantId, connectorId: u.connectorId }, SyncLogLevel.ERROR, unreadableWebhookSecretAdvice(u.reason));
  }
  process.stdout.write(
    `re-encrypted ${r.reencrypted} API key(s) under key "${cipher.currentKeyId}"; ${r.unreadable} unreadable (their connectors now ask for the key again)\n` +
      `re-encrypted ${r.webhookSecrets.reencrypted} webhook secret(s) under key "${cipher.currentKeyId}"; ` +
      `${r.webhookSecrets.unreadable.length} unreadable (their connectors' sync logs say to rotate them: rotateWebhookSecret)\n`,
  );
});
