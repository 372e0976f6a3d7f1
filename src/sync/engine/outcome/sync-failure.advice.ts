import { Advice, adviceFor } from '../../../connectors/connection-advice';
import { failureClassOf } from './failure-class';

/** Codes of sync failures that are not about reaching Gorgias (recorded as a run's and connector's error code). */
export enum SyncFailureCode {
  DATA_REJECTED = 'DATA_REJECTED',
  CONNECTOR_DELETED = 'CONNECTOR_DELETED',
  STORAGE_UNAVAILABLE = 'STORAGE_UNAVAILABLE',
  INTERNAL = 'INTERNAL',
}

export interface SyncAdvice {
  /** The connection check's code for a helpdesk or key failure (connection-advice.ts), else ours. */
  code: Advice['code'] | SyncFailureCode;
  message: string;
}

/**
 * What the user reads about a failed sync, one message per failure class (failure-class.ts decides
 * the class): only a Gorgias failure talks about Gorgias; an unreadable stored key asks for it again.
 * Its code is the one the run and the connector record, and the one the failure policy decides on:
 * one table, here. It lives in the engine and imports the connection check's advice (connectors/
 * is below sync/), so the arrow runs down; connectors/ never imports the engine.
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
      return adviceFor(error, subdomain) satisfies Advice;
    default:
      return {
        code: SyncFailureCode.INTERNAL,
        message:
          'The sync stopped on an internal error (not caused by Gorgias or your account). It is retried automatically; contact support if it keeps failing.',
      };
  }
}

/** The code of a failure alone (the policy needs no subdomain: the code does not depend on it). */
export function syncFailureCode(error: unknown): SyncAdvice['code'] {
  return syncFailureAdvice(error, '').code;
}
