import { GraphQLISODateTime } from '@nestjs/graphql';
import { configureDateTimeScalar } from './strict-date-time';

describe('DateTime scalar', () => {
  beforeAll(() => configureDateTimeScalar());

  it('answers a Date, or an instant already in its text, the same way; anything else is null', () => {
    const d = new Date('2025-03-04T05:06:07.089Z');
    expect(GraphQLISODateTime.serialize(d)).toBe('2025-03-04T05:06:07.089Z');
    expect(GraphQLISODateTime.serialize('2025-03-04T05:06:07.089Z')).toBe('2025-03-04T05:06:07.089Z');
    for (const other of ['2025-03-04 05:06:07+00', '2025-03-04T05:06:07Z', 'soon', 1741064767089, null]) {
      expect(GraphQLISODateTime.serialize(other)).toBeNull();
    }
  });

  it('reads only RFC 3339 date-times (an Invalid Date otherwise, for the validator to name)', () => {
    expect((GraphQLISODateTime.parseValue('2025-03-04T05:06:07Z') as Date).toISOString()).toBe('2025-03-04T05:06:07.000Z');
    expect(Number.isNaN((GraphQLISODateTime.parseValue('1') as Date).getTime())).toBe(true);
  });
});
