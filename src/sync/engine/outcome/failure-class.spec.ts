import { QueryFailedError } from 'typeorm';
import { SyncFailureCode, syncFailureAdvice } from './sync-failure.advice';
import { SecretUnreadableError } from '../../../secrets/secret-cipher';
import { GorgiasApiError } from '../../../gorgias/gorgias-api.error';
import { dataErrorReason, failureClassOf, isDataError } from './failure-class';

const pg = (code: string, message = 'pg says no') => new QueryFailedError('INSERT ...', [], Object.assign(new Error(message), { code }));

describe('failure classes and what the user reads about them', () => {
  it('classes database errors by SQLSTATE', () => {
    expect(failureClassOf(pg('54000', 'string is too long for tsvector'))).toBe('data');
    expect(failureClassOf(pg('22P05', 'unsupported Unicode escape sequence'))).toBe('data');
    expect(failureClassOf(pg('23502'))).toBe('data');
    expect(isDataError(pg('22007'))).toBe(true);
    expect(failureClassOf(pg('23503'))).toBe('connector-gone');
    expect(failureClassOf(pg('57P01'))).toBe('storage');
    expect(failureClassOf(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe('storage');
    expect(failureClassOf(new SecretUnreadableError('retired key'))).toBe('credentials');
    expect(failureClassOf(new GorgiasApiError('UNREACHABLE', 'down', { resource: 'tickets' }))).toBe('gorgias');
    expect(failureClassOf(new TypeError('x is undefined'))).toBe('internal');
  });

  it("names the refused value's kind but withholds the value itself", () => {
    const reason = dataErrorReason(pg('22007', 'invalid input syntax for type timestamp with time zone: "call me at jane@example.com"'));
    expect(reason).toBe('invalid input syntax for type timestamp with time zone: (value withheld) (SQLSTATE 22007)');
    expect(
      dataErrorReason(pg('23502', 'null value in column "ticket_external_id" of relation "messages" violates not-null constraint')),
    ).toMatch(/ticket_external_id/);
  });

  it('says "Gorgias" only about a Gorgias failure, and gives every class its own message', () => {
    const advice = [pg('54000'), pg('23503'), pg('57P01'), new SecretUnreadableError('retired key'), new TypeError('bug')].map((e) =>
      syncFailureAdvice(e, 'acme'),
    );
    expect(advice.map((a) => a.code)).toEqual([
      SyncFailureCode.DATA_REJECTED,
      SyncFailureCode.CONNECTOR_DELETED,
      SyncFailureCode.STORAGE_UNAVAILABLE,
      'CREDENTIALS_UNREADABLE',
      SyncFailureCode.INTERNAL,
    ]);
    for (const a of advice) expect(a.message).not.toMatch(/request to Gorgias|reach Gorgias/);
    expect(new Set(advice.map((a) => a.message)).size).toBe(advice.length);
    expect(advice[3].message).toMatch(/Re-enter the API key/);
    expect(syncFailureAdvice(new GorgiasApiError('UNREACHABLE', 'down', { resource: 'tickets' }), 'acme').message).toMatch(
      /Could not reach Gorgias at acme\.gorgias\.com/,
    );
  });
});
