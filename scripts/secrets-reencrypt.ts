/**
 * Re-encrypts every stored API key under the current key (the first of SECRETS_ENCRYPTION_KEYS):
 *   npm run secrets:reencrypt
 * The gateway also does this at start-up. Afterwards, retired keys can be removed from
 * SECRETS_ENCRYPTION_KEYS. Uses DATABASE_URL, or the embedded development database when it is unset.
 */
import 'reflect-metadata';
import { ConnectorsRepository } from '../src/connectors/connectors.repository';
import { reencryptRetiredKeys } from '../src/connectors/credential-rotation';
import { SecretCipher } from '../src/secrets/secret-cipher';
import { runWithDatabase } from './with-database';

runWithDatabase({}, async (dataSource) => {
  const cipher = new SecretCipher(process.env.SECRETS_ENCRYPTION_KEYS!);
  const r = await reencryptRetiredKeys(new ConnectorsRepository(dataSource), cipher);
  process.stdout.write(
    `re-encrypted ${r.reencrypted} API key(s) under key "${cipher.currentKeyId}"; ${r.unreadable} unreadable (their connectors now ask for the key again)\n`,
  );
});
