import { GraphQLError } from 'graphql';
import { hasSearch } from '../model/ticket-read.types';
import { assertExternalId, isValidKey } from './ticket-input';

describe('tickets service helpers', () => {
  it.each(['1', '12345', '9223372036854775807'])('accepts Gorgias id %s', (id) => {
    expect(() => assertExternalId(id, 'externalId')).not.toThrow();
  });

  it.each(['', 'abc', '-1', '1.5', ' 1', '9223372036854775808', '1'.repeat(20), "1' OR '1'='1"])('refuses %p naming the argument', (id) => {
    try {
      assertExternalId(id, 'externalId');
      throw new Error('accepted');
    } catch (e) {
      expect(e).toBeInstanceOf(GraphQLError);
      expect((e as GraphQLError).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'externalId' });
      expect((e as GraphQLError).message).toMatch(/^externalId: /);
    }
  });

  it('ignores blank searches', () => {
    expect(hasSearch(undefined)).toBe(false);
    expect(hasSearch(null)).toBe(false);
    expect(hasSearch('  \t\n')).toBe(false);
    expect(hasSearch(' refund ')).toBe(true);
  });

  it('checks decoded cursor keys', () => {
    expect(isValidKey({ id: '0a000000-0000-4000-8000-0000000000a1', updatedAt: '2025-01-01T00:00:00.000123Z' }, 'updatedAt')).toBe(true);
    expect(isValidKey({ id: 'nope', updatedAt: '2025-01-01T00:00:00Z' }, 'updatedAt')).toBe(false);
    expect(isValidKey({ id: '0a000000-0000-4000-8000-0000000000a1', updatedAt: 'yesterday' }, 'updatedAt')).toBe(false);
  });
});
