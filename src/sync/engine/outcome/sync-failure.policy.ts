import { failureClassOf } from './failure-class';
import { syncFailureCode } from './sync-failure.advice';
import { LeaseLostError } from '../../repositories/lease-lost.error';
import { MAX_RUN_ATTEMPTS, RETRY_BASE_DELAY_MS, RETRY_MAX_DELAY_MS } from '../../sync.constants';

/** What a run that kept stopping without an outcome (see MAX_CLAIM_ATTEMPTS) says in its connector's lastError. */
export const ABANDONED_RUN_MESSAGE =
  'The sync stopped several times without finishing (the gateway instance running it stopped or crashed each time). ' +
  'Data synced so far is kept; the next scheduled sync continues. If this repeats, check the gateway logs for the cause and contact support.';

/** The connector was paused (or is not active): the run stops, keeping what it synced. */
export class RunCancelled extends Error {}

/** Failures that only the user can fix: the connector goes to ERROR and stops syncing. */
const NEEDS_USER = new Set(['INVALID_CREDENTIALS', 'SUBDOMAIN_NOT_FOUND', 'PERMISSION_DENIED', 'ACCOUNT_INACTIVE']);

export type FailureDecision =
  /** Another instance owns the run now, or it was cancelled, or the connector deleted: stop quietly. */
  | { action: 'lease-lost' }
  /** The connector was deleted during the run (its runs went with it): stop quietly, nothing to record. */
  | { action: 'connector-gone' }
  /** The connector was paused: the run ends CANCELLED. */
  | { action: 'cancel' }
  /** The user fixed or rotated the key while this run used the old one: go on with the new one at once. */
  | { action: 'continue-with-new-credentials' }
  /** Transient: back to the queue, resumed from the checkpoint after `delayMs`. */
  | { action: 'retry'; delayMs: number }
  /** The run ends FAILED; `needsUser` puts the connector in ERROR until someone acts. */
  | { action: 'fail'; needsUser: boolean };

export interface FailureFacts {
  error: unknown;
  /** Attempts of the run so far, this one included. */
  attempts: number;
  /** Whether the connector's credentials now differ from those the run used. */
  credentialsRotated: boolean;
}

/** Whether deciding needs the connector's current credentials (every failure but a lost lease or a pause). */
export function needsCurrentCredentials(error: unknown): boolean {
  return !(error instanceof LeaseLostError || error instanceof RunCancelled || failureClassOf(error) === 'connector-gone');
}

/** What to do about a run that threw `error`. Pure: the executor carries it out. */
export function decideFailure(facts: FailureFacts): FailureDecision {
  const { error, attempts } = facts;
  if (error instanceof LeaseLostError) return { action: 'lease-lost' };
  if (error instanceof RunCancelled) return { action: 'cancel' };
  const kind = failureClassOf(error);
  if (kind === 'connector-gone') return { action: 'connector-gone' };
  // An unreadable key only the user can replace; a refused record fails the same way on every retry.
  if (kind === 'credentials') return { action: 'fail', needsUser: true };
  if (kind === 'data') return { action: 'fail', needsUser: false };
  // The code the run records (sync-failure.advice.ts): the decision and the record cannot disagree.
  const needsUser = NEEDS_USER.has(syncFailureCode(error));
  if (needsUser && facts.credentialsRotated) return { action: 'continue-with-new-credentials' };
  if (!needsUser && attempts < MAX_RUN_ATTEMPTS) {
    return { action: 'retry', delayMs: Math.min(RETRY_MAX_DELAY_MS, RETRY_BASE_DELAY_MS * 2 ** (attempts - 1)) };
  }
  return { action: 'fail', needsUser };
}
