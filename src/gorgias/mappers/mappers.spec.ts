import { GorgiasMessage, GorgiasTicket } from '../gorgias.types';
import { customerName, toCustomerRows } from './customer.mapper';
import { toMessageRows } from './message.mapper';
import { MAX_SHORT_TEXT_CHARS, MAX_STORED_TEXT_CHARS } from './storable-text';
import { toTicketRows } from './ticket.mapper';

const ticket = (over: Partial<GorgiasTicket> = {}): GorgiasTicket => ({
  id: 1,
  status: 'open',
  created_datetime: '2025-01-01T00:00:00Z',
  updated_datetime: '2025-01-02T00:00:00Z',
  ...over,
});

const message = (over: Partial<GorgiasMessage> = {}): GorgiasMessage => ({
  id: 10,
  ticket_id: 1,
  created_datetime: '2025-01-01T00:00:00Z',
  ...over,
});

describe('Gorgias mappers', () => {
  it('maps a ticket to a row, with the API defaults for missing fields', () => {
    const t = ticket({
      tags: [
        { id: 1, name: 'vip' },
        { id: 2, name: 7 as never },
      ],
      customer: { id: 5, firstname: 'Ada', lastname: 'L' },
    });
    const [row] = toTicketRows([t]);
    expect(row).toMatchObject({
      external_id: 1,
      subject: null,
      status: 'open',
      tags: ['vip'],
      messages_count: 0,
      spam: false,
      customer_external_id: 5,
      customer_name: 'Ada L',
      updated_at: '2025-01-02T00:00:00Z',
      trashed_at: null,
    });
    expect(row.payload).toBe(t);
    expect(toTicketRows([ticket({ status: undefined as never, updated_datetime: undefined as never })])[0]).toMatchObject({
      status: 'open',
      updated_at: '2025-01-01T00:00:00Z',
    });
  });

  it('keeps the newest copy of a ticket listed twice', () => {
    const rows = toTicketRows([ticket({ subject: 'new', updated_datetime: '2025-01-03T00:00:00Z' }), ticket({ subject: 'old' })]);
    expect(rows).toHaveLength(1);
    expect(rows[0].subject).toBe('new');
    const later = toTicketRows([ticket({ subject: 'old' }), ticket({ subject: 'new', updated_datetime: '2025-01-03T00:00:00Z' })]);
    expect(later.map((r) => r.subject)).toEqual(['new']);
  });

  it('maps a message, its participants and attachments; the deleted copy wins', () => {
    const rows = toMessageRows([
      message({ body_text: 'hi', sender: { email: 'a@x', name: 'A' }, attachments: [{ url: 'u' }], public: undefined }),
      message({ deleted_datetime: '2025-01-05T00:00:00Z' }),
    ]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      external_id: 10,
      ticket_external_id: 1,
      deleted_at: '2025-01-05T00:00:00Z',
      public: true,
      attachments: [],
    });
    const [failed] = toMessageRows([
      message({ attachments: null, sent_datetime: null, failed_datetime: '2025-01-02T03:04:05.123456+00:00' }),
    ]);
    expect(failed).toMatchObject({ attachments: [], sent_at: null, failed_at: '2025-01-02T03:04:05.123456+00:00' });
    const [one] = toMessageRows([message({ sender: { email: 'a@x', name: 'A' }, attachments: 'nope' as never, from_agent: 1 as never })]);
    expect(one).toMatchObject({ sender_email: 'a@x', sender_name: 'A', receiver_email: null, attachments: [], from_agent: true });
  });

  it('collects the customers of a page once each, skipping those without a numeric id', () => {
    const rows = toCustomerRows([
      ticket({ customer: { id: 5, email: 'c@x', name: 'C' } }),
      ticket({ id: 2, customer: { id: 5, email: 'c@x', name: 'C' } }),
      ticket({ id: 3, customer: { id: 'x' as never } }),
      ticket({ id: 4, customer: null }),
    ]);
    expect(rows).toEqual([
      { external_id: 5, email: 'c@x', name: 'C', payload: { id: 5, email: 'c@x', name: 'C' }, source_version: '2025-01-02T00:00:00Z' },
    ]);
  });

  it('keeps the newest copy of a customer (the one carried by the most recently updated ticket)', () => {
    const rows = toCustomerRows([
      ticket({ id: 1, updated_datetime: '2025-03-01T00:00:00Z', customer: { id: 5, email: 'new@x' } }),
      ticket({ id: 2, updated_datetime: '2025-02-01T00:00:00Z', customer: { id: 5, email: 'old@x' } }),
    ]);
    expect(rows).toMatchObject([{ external_id: 5, email: 'new@x', source_version: '2025-03-01T00:00:00Z' }]);
  });

  it('versions a message by its latest datetime', () => {
    const [row] = toMessageRows([message({ sent_datetime: '2025-01-03T00:00:00Z', failed_datetime: '2025-01-04T00:00:00Z' })]);
    expect(row.source_version).toBe('2025-01-04T00:00:00Z');
    expect(toMessageRows([message()])[0].source_version).toBe('2025-01-01T00:00:00Z');
  });

  it('makes hostile text storable in every column and the payload, recording the original length of a cut body', () => {
    const huge = 'word '.repeat(MAX_STORED_TEXT_CHARS / 5 + 1000);
    const [row] = toMessageRows([
      message({
        body_text: huge,
        body_html: 'half an emoji \udc00 and a NUL \u0000.',
        subject: 'x\ud800',
        sender: { email: 'a\u0000@x', name: 'n'.repeat(5000) },
        attachments: [{ url: 'u\udc00' }],
      }),
    ]);
    expect(row.body_text).toHaveLength(MAX_STORED_TEXT_CHARS);
    expect(row.body_original_length).toBe(huge.length);
    expect(row.body_html).toBe('half an emoji \uFFFD and a NUL .');
    expect(row.subject).toBe('x\uFFFD');
    expect(row.sender_email).toBe('a@x');
    expect(row.sender_name).toHaveLength(MAX_SHORT_TEXT_CHARS);
    expect(row.attachments).toEqual([{ url: 'u\uFFFD' }]);
    const payload = JSON.stringify(row.payload);
    expect(payload).not.toMatch(/\\u0000|\\ud[89a-f][0-9a-f]{2}/i);
    expect((row.payload as { body_text: string }).body_text.length).toBeLessThan(huge.length);
    expect(toMessageRows([message({ body_text: 'short' })])[0].body_original_length).toBeNull();

    const [t] = toTicketRows([
      ticket({ subject: 's\u0000\udc00', tags: [{ id: 1, name: 't\ud800' }], customer: { id: 5, email: 'e\u0000' } }),
    ]);
    expect(t).toMatchObject({ subject: 's\uFFFD', tags: ['t\uFFFD'], customer_email: 'e' });
    expect(JSON.stringify(t.payload)).not.toMatch(/\\u0000|\\ud[89a-f][0-9a-f]{2}/i);
  });

  it('names a customer by name, else first and last name, else nothing', () => {
    expect(customerName({ id: 1, name: 'N', firstname: 'F' })).toBe('N');
    expect(customerName({ id: 1, firstname: 'F' })).toBe('F');
    expect(customerName({ id: 1 })).toBeNull();
    expect(customerName(null)).toBeNull();
  });
});
