import { Injectable } from '@nestjs/common';
import { GorgiasApiError } from '../gorgias/gorgias-api.error';
import { GorgiasClientFactory } from '../gorgias/gorgias-client.factory';
import { GorgiasAccount, GorgiasCredentials } from '../gorgias/gorgias.types';
import { adviceFor } from './connection-advice';
import { ConnectionCheckCode, ConnectionCheckResult as ConnectionCheck } from './connection-check.types';

/** Reads the account's status whichever shape Gorgias gives it (`{status: 'active'}` or a string). */
export function accountIsActive(account: GorgiasAccount): boolean {
  const status = typeof account.status === 'string' ? account.status : account.status?.status;
  return !status || status.toLowerCase() === 'active';
}

/**
 * "Test Connection": the account call proves the subdomain, email and key; then one ticket and one
 * message are read, because a key that can open the account but not read messages would give a
 * sync with tickets and no messages (the guide's "missing messages").
 */
@Injectable()
export class ConnectionCheckService {
  constructor(private readonly clients: GorgiasClientFactory) {}

  /** `tenantId` says whose work this is, so that the account's pacer shares its budget fairly between tenants. */
  async check(credentials: GorgiasCredentials, tenantId?: string): Promise<ConnectionCheck> {
    const client = this.clients.create(credentials, tenantId ? { tenantId } : undefined);
    const result: ConnectionCheck = {
      ok: false,
      code: ConnectionCheckCode.OK,
      message: '',
      accountDomain: null,
      canReadTickets: false,
      canReadMessages: false,
    };
    try {
      const account = await client.getAccount();
      result.accountDomain = account.domain ?? credentials.subdomain;
      if (!accountIsActive(account)) {
        throw new GorgiasApiError('ACCOUNT_INACTIVE', 'account is not active', { resource: 'account' });
      }
      await client.listTickets({ limit: 1 });
      result.canReadTickets = true;
      await client.listMessages({ limit: 1 });
      result.canReadMessages = true;
    } catch (e) {
      const advice = adviceFor(e, credentials.subdomain);
      return { ...result, code: advice.code, message: advice.message };
    }
    return {
      ...result,
      ok: true,
      message: `Connected to ${credentials.subdomain}.gorgias.com: the API key can read tickets and messages. Click Save & Activate to start syncing.`,
    };
  }
}
