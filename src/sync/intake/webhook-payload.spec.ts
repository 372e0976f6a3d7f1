import { BadRequestException } from '@nestjs/common';
import { ticketIdOf } from './webhook-payload';

describe('ticketIdOf', () => {
  it('takes the id as Gorgias renders it (a string) or as a number', () => {
    expect(ticketIdOf({ ticket_id: '123' })).toBe('123');
    expect(ticketIdOf({ ticket_id: 123 })).toBe('123');
    expect(ticketIdOf({ ticket_id: ' 42 ' })).toBe('42');
    expect(ticketIdOf({ ticket_id: '9223372036854775807', other: 'ignored' })).toBe('9223372036854775807');
  });

  it.each([
    [undefined],
    [null],
    ['123'],
    [[123]],
    [{}],
    [{ ticket_id: '' }],
    [{ ticket_id: '0' }],
    [{ ticket_id: '-1' }],
    [{ ticket_id: '1e3' }],
    [{ ticket_id: 1.5 }],
    [{ ticket_id: 2 ** 60 }],
    [{ ticket_id: '9223372036854775808' }],
    [{ ticket_id: '{{ticket.id}}' }],
    [{ ticket_id: true }],
  ])('refuses %j with a 400 naming the field', (body) => {
    expect(() => ticketIdOf(body)).toThrow(BadRequestException);
    expect(() => ticketIdOf(body)).toThrow(/^ticket_id: /);
  });
});
