import { GorgiasApiError } from '../gorgias/gorgias-api.error';
import { SecretUnreadableError } from '../secrets/secret-cipher';
import { ConnectionCheckCode } from './connection-check.types';

export interface Advice {
  code: ConnectionCheckCode;
  message: string;
}

/**
 * The one place where a Gorgias failure becomes what the user reads (Test Connection, Save &
 * Activate, a connector's lastError and the sync logs), in the words of the setup guide's
 * troubleshooting section. Never includes the API key.
 */
export function adviceFor(error: unknown, subdomain: string): Advice {
  const host = `${subdomain}.gorgias.com`;
  if (error instanceof SecretUnreadableError) {
    return {
      code: ConnectionCheckCode.CREDENTIALS_UNREADABLE,
      message:
        `The saved API key for ${host} can no longer be read here (it was encrypted with a key this deployment no longer has). ` +
        `Re-enter the API key: copy it from Gorgias (Settings > REST API), paste it in the connector and save; syncing resumes from where it stopped.`,
    };
  }
  if (!(error instanceof GorgiasApiError)) {
    // Test Connection only: the Gorgias client failed in a way it does not classify. Syncs use syncFailureAdvice
    // (sync/engine/outcome/sync-failure.advice.ts), which sends only Gorgias and credential failures here.
    return {
      code: ConnectionCheckCode.UNREACHABLE,
      message: `Could not complete the request to Gorgias (${host}). Try again in a few minutes; contact support if it keeps failing.`,
    };
  }
  switch (error.code) {
    case 'INVALID_CREDENTIALS':
      return {
        code: ConnectionCheckCode.INVALID_CREDENTIALS,
        message:
          `Gorgias (${host}) refused the email and API key. Verify your email and API key are entered correctly, ` +
          `and make sure the API key hasn't been deleted or revoked in Gorgias (Settings > REST API); if it was, create a new key and update the connector.`,
      };
    case 'SUBDOMAIN_NOT_FOUND':
      return {
        code: ConnectionCheckCode.SUBDOMAIN_NOT_FOUND,
        message:
          `Gorgias account not found at ${host}. Make sure you're using only the subdomain (e.g. company, not company.gorgias.com), ` +
          `double-check its spelling, and verify you're using the correct Gorgias account.`,
      };
    case 'PERMISSION_DENIED': {
      const what = error.details.resource === 'messages' ? 'messages' : error.details.resource === 'account' ? 'the account' : 'tickets';
      // Gorgias has no separate messages permission: a key carries the permissions of the user who
      // created it, so a 403 on messages (rare) means that user's role cannot see ticket conversations.
      const tail =
        what === 'messages'
          ? 'Tickets would sync but their messages would be missing (the guide\'s section "Some messages seem to be missing"). '
          : '';
      return {
        code: ConnectionCheckCode.PERMISSION_DENIED,
        message:
          `The API key cannot read ${what} (Gorgias answered 403 Forbidden). ${tail}` +
          `Verify the API key has read access to tickets and messages: a Gorgias API key has the permissions of the user who created it, ` +
          `so in Gorgias, Settings > REST API, create the key as an administrator (a user who can see tickets and their messages), then update the connector.`,
      };
    }
    case 'ACCOUNT_INACTIVE':
      return {
        code: ConnectionCheckCode.ACCOUNT_INACTIVE,
        message: `The Gorgias account ${host} is not active. Ensure your Gorgias account is active (subscription and billing in Gorgias), then test the connection again.`,
      };
    case 'RATE_LIMITED':
      return {
        code: ConnectionCheckCode.RATE_LIMITED,
        message:
          `Gorgias is rate-limiting ${host} right now (429 Too Many Requests), probably because other tools use the same account's API. ` +
          `Wait a minute and try again; syncs pace themselves and resume on their own.`,
      };
    case 'NOT_FOUND':
    case 'BAD_REQUEST':
    case 'UNREACHABLE':
    default:
      return {
        code: ConnectionCheckCode.UNREACHABLE,
        message: `Could not reach Gorgias at ${host} (${error.message}). Check that Gorgias is up (status.gorgias.com) and try again in a few minutes.`,
      };
  }
}
