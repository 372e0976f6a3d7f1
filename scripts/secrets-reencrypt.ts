/**
 * Re-encrypts every stored API key under the current key (the first of SECRETS_ENCRYPTION_KEYS):
 *   npm run secrets:reencrypt
 * The gateway also does this at start-up. Afterwards, retired keys can be removed from
 * SECRETS_ENCRYPTION_KEYS. Uses DATABASE_URL, or the embedded development database when it is unset.
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { ConnectorsRepository } from '../src/connectors/connectors.repository';
import { reencryptRetiredKeys } from '../src/connectors/credential-rotation';
import { prepareRuntime } from '../src/runtime';
import { SecretCipher } from '../src/secrets/secret-cipher';

async function main(): Promise<void> {
  const runtime = await prepareRuntime((m) => process.stdout.write(`${m}\n`));
  const dataSource = new DataSource({ type: 'postgres', url: process.env.DATABASE_URL });
  await dataSource.initialize();
  try {
    const cipher = new SecretCipher(process.env.SECRETS_ENCRYPTION_KEYS!);
    const r = await reencryptRetiredKeys(new ConnectorsRepository(dataSource), cipher);
    process.stdout.write(
      `re-encrypted ${r.reencrypted} API key(s) under key "${cipher.currentKeyId}"; ${r.unreadable} unreadable (their connectors now ask for the key again)\n`,
    );
  } finally {
    await dataSource.destroy();
    await runtime.stop();
  }
}

main().catch((e) => {
  process.stderr.write(`${e.message ?? e}\n`);
  process.exit(1);
});
