/**
 * Prints a bearer token for local use:
 *   npm run token -- --tenant acme --role admin [--expires 30d]
 * The secret is AUTH_JWT_SECRET (environment or .env), else the one the development server
 * generated in the data folder.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ROLES, Role } from '../src/auth/auth-user';
import { signToken } from '../src/auth/auth.service';
import { loadOrCreateDevelopmentSecrets } from '../src/config/development-secrets';

function main(): void {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const { values } = parseArgs({
    options: {
      tenant: { type: 'string' },
      role: { type: 'string', default: 'admin' },
      expires: { type: 'string', default: '30d' },
    },
  });
  if (!values.tenant) fail('--tenant is required, e.g. npm run token -- --tenant acme --role admin');
  if (!ROLES.includes(values.role as Role)) fail(`--role must be one of ${ROLES.join(', ')}`);
  const secret = process.env.AUTH_JWT_SECRET || loadOrCreateDevelopmentSecrets(process.env.DATA_DIR || '.data').jwtSecret;
  process.stdout.write(`${signToken({ tenantId: values.tenant!, role: values.role as Role }, secret, values.expires)}\n`);
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

main();
