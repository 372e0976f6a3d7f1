import { GorgiasApiError } from '../gorgias/gorgias-api.error';
import { SecretUnreadableError } from '../secrets/secret-cipher';
import { failureClassOf } from '../sync/engine/outcome/failure-class';
import { ConnectionCheckCode } from './models/connector.models';

export interface Advice {
  code: ConnectionCheckCode;
  message: string;
}

/** Codes of sync failures that are not about reaching Gorgias (recorded as a run's and connector's error code). */
export enum SyncFailureCode {
  DATA_REJECTED = 'DATA_REJECTED',
  CONNECTOR_DELETED = 'CONNECTOR_DELETED',
  STORAGE_UNAVAILABLE = 'STORAGE_UNAVAILABLE',
  INTERNAL = 'INTERNAL',
}

export interface SyncAdvice {
  code: ConnectionCheckCode | SyncFailureCode;
  message: string;
}

/**
 * What the user reads about a failed sync, one message per failure class (failure-class.ts decides
 * the class): only a Gorgias failure talks about Gorgias; an unreadable stored key asks for it again.
 */
export function syncFailureAdvice(error: unknown, subdomain: string): SyncAdvice {
  switch (failureClassOf(error)) {
    case 'data':
      return {
        code: SyncFailureCode.DATA_REJECTED,
        message:
          'A record read from Gorgias could not be stored (the database refused one of its values). ' +
          'Records that fail on their own are skipped and named in the sync logs; contact support with the record id if it keeps happening.',
      };
    case 'connector-gone':
      return { code: SyncFailureCode.CONNECTOR_DELETED, message: 'The connector was deleted during the sync; the sync stopped.' };
    case 'storage':
      return {
        code: SyncFailureCode.STORAGE_UNAVAILABLE,
        message: 'The sync database was unavailable, so the sync could not save its progress. It resumes on its own from where it stopped.',
      };
    case 'gorgias':
    case 'credentials':
      return adviceFor(error, subdomain);
    default:
      return {
        code: SyncFailureCode.INTERNAL,
        message:
          'The sync stopped on an internal error (not caused by Gorgias or your account). It is retried automatically; contact support if it keeps failing.',
      };
  }
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
    // Test Connection only: the Gorgias client failed in a way it does not classify. Syncs use syncFailureAdvice.
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
      const tail = what === 'messages' ? 'Tickets would sync but their messages would be missing (the guide\'s "Missing Messages"). ' : '';
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
