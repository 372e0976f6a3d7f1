import { QueryFailedError } from 'typeorm';
import { SecretUnreadableError } from '../../../secrets/secret-cipher';
import { GorgiasApiError, GorgiasErrorCode } from '../../../gorgias/gorgias-api.error';
import { LeaseLostError } from '../../repositories/lease-lost.error';
import { MAX_RUN_ATTEMPTS, RETRY_BASE_DELAY_MS, RETRY_MAX_DELAY_MS } from '../../sync.constants';
import { syncFailureCode } from './sync-failure.advice';
import { decideFailure, needsCurrentCredentials, RunCancelled } from './sync-failure.policy';

const gorgias = (code: GorgiasErrorCode) => new GorgiasApiError(code, `gorgias said ${code}`, { resource: 'tickets' });
const facts = (error: unknown, attempts = 1, credentialsRotated = false) => ({ error, attempts, credentialsRotated });

describe('sync failure policy', () => {
  it('stops quietly when the lease was lost, whatever else holds', () => {
    expect(decideFailure(facts(new LeaseLostError('r1'), MAX_RUN_ATTEMPTS, true))).toEqual({ action: 'lease-lost' });
    expect(needsCurrentCredentials(new LeaseLostError('r1'))).toBe(false);
  });

  it('cancels a run whose connector was paused', () => {
    expect(decideFailure(facts(new RunCancelled()))).toEqual({ action: 'cancel' });
    expect(needsCurrentCredentials(new RunCancelled())).toBe(false);
  });

  it.each<GorgiasErrorCode>(['INVALID_CREDENTIALS', 'SUBDOMAIN_NOT_FOUND', 'PERMISSION_DENIED', 'ACCOUNT_INACTIVE'])(
    'fails %s at once, needing the user, on the first attempt',
    (code: GorgiasErrorCode) => {
      expect(decideFailure(facts(gorgias(code), 1))).toEqual({ action: 'fail', needsUser: true });
      expect(syncFailureCode(gorgias(code))).toBe(code);
      expect(needsCurrentCredentials(gorgias(code))).toBe(true);
    },
  );

  it('continues with the new credentials when the user rotated them during the run', () => {
    expect(decideFailure(facts(gorgias('INVALID_CREDENTIALS'), 1, true))).toEqual({ action: 'continue-with-new-credentials' });
    expect(syncFailureCode(gorgias('INVALID_CREDENTIALS'))).toBe('INVALID_CREDENTIALS');
  });

  it('retries transient failures with exponential backoff, capped, then fails without needing the user', () => {
    expect(decideFailure(facts(gorgias('UNREACHABLE'), 1))).toEqual({ action: 'retry', delayMs: RETRY_BASE_DELAY_MS });
    expect(syncFailureCode(gorgias('UNREACHABLE'))).toBe('UNREACHABLE');
    expect(decideFailure(facts(gorgias('RATE_LIMITED'), 2))).toEqual({ action: 'retry', delayMs: RETRY_BASE_DELAY_MS * 2 });
    expect(syncFailureCode(gorgias('RATE_LIMITED'))).toBe('RATE_LIMITED');
    const late = decideFailure(facts(gorgias('RATE_LIMITED'), MAX_RUN_ATTEMPTS - 1));
    expect(late.action === 'retry' && late.delayMs).toBe(Math.min(RETRY_MAX_DELAY_MS, RETRY_BASE_DELAY_MS * 2 ** (MAX_RUN_ATTEMPTS - 2)));
    expect(decideFailure(facts(gorgias('RATE_LIMITED'), MAX_RUN_ATTEMPTS))).toEqual({ action: 'fail', needsUser: false });
  });

  it('treats anything but a Gorgias error as INTERNAL and transient; rotated credentials do not matter then', () => {
    expect(syncFailureCode(new Error('boom'))).toBe('INTERNAL');
    expect(decideFailure(facts(new Error('boom'), 1, true))).toEqual({ action: 'retry', delayMs: RETRY_BASE_DELAY_MS });
  });

  it('stops quietly when the connector was deleted; fails a refused record and an unreadable key at once', () => {
    const pg = (code: string) => new QueryFailedError('INSERT', [], Object.assign(new Error('no'), { code }));
    expect(decideFailure(facts(pg('23503')))).toEqual({ action: 'connector-gone' });
    expect(needsCurrentCredentials(pg('23503'))).toBe(false);
    expect(decideFailure(facts(pg('54000')))).toEqual({ action: 'fail', needsUser: false });
    expect(syncFailureCode(pg('54000'))).toBe('DATA_REJECTED');
    expect(decideFailure(facts(new SecretUnreadableError('retired key')))).toEqual({ action: 'fail', needsUser: true });
    expect(syncFailureCode(new SecretUnreadableError('retired key'))).toBe('CREDENTIALS_UNREADABLE');
    expect(decideFailure(facts(pg('57P01')))).toEqual({ action: 'retry', delayMs: RETRY_BASE_DELAY_MS });
    expect(syncFailureCode(pg('57P01'))).toBe('STORAGE_UNAVAILABLE');
  });
});
