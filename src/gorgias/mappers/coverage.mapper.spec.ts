import { GorgiasTicket } from '../gorgias.types';
import {
  toAgentRows,
  toCustomFieldDefinitionRows,
  toSatisfactionSurveyRows,
  toTagRows,
  toTicketCustomFieldValueRows,
  toTicketTagRows,
} from './coverage.mapper';

const ticket = (over: Partial<GorgiasTicket>): GorgiasTicket => ({
  id: 1,
  status: 'open',
  created_datetime: '2025-01-01T00:00:00Z',
  updated_datetime: '2025-01-01T00:00:00Z',
  ...over,
});

describe('coverage mappers', () => {
  it('maps users, with a deactivated one inactive and hostile entries left out', () => {
    expect(
      toAgentRows([
        { id: 1, name: 'Ada', email: 'a@x.test', role: { name: 'admin' }, active: true },
        { id: 2, firstname: 'Bo', lastname: 'B', deactivated_datetime: '2026-01-01T00:00:00Z' },
        { id: -3 } as never,
        null as never,
      ]),
    ).toEqual([
      { external_id: 1, name: 'Ada', email: 'a@x.test', role: 'admin', active: true },
      { external_id: 2, name: 'Bo B', email: null, role: null, active: false },
    ]);
  });

  it('maps tags (not nameless ones), surveys (out-of-range scores as null) and field definitions', () => {
    expect(toTagRows([{ id: 1, name: 'vip\u0000' }, { id: 2 } as never])).toEqual([{ external_id: 1, name: 'vip' }]);
    expect(
      toSatisfactionSurveyRows([
        { id: 5, ticket_id: 9, score: 4, body_text: 'ok', created_datetime: 'c', sent_datetime: 's', scored_datetime: 'd' },
        { id: 6, ticket_id: 9, score: 1000, created_datetime: 'c' },
      ]),
    ).toEqual([
      { external_id: 5, ticket_external_id: 9, score: 4, body_text: 'ok', sent_at: 's', scored_at: 'd', source_created_at: 'c' },
      { external_id: 6, ticket_external_id: 9, score: null, body_text: null, sent_at: null, scored_at: null, source_created_at: 'c' },
    ]);
    expect(
      toCustomFieldDefinitionRows([
        { id: 3, object_type: 'Ticket', label: 'Reason', definition: { data_type: 'text' }, deactivated_datetime: 'x' },
      ]),
    ).toEqual([{ external_id: 3, label: 'Reason', data_type: 'text', object_type: 'Ticket', deactivated_at: 'x' }]);
  });

  it("maps a ticket's tags by id and its custom field values as text rows (JSON for non-strings; null has no row)", () => {
    const t = ticket({
      tags: [
        { id: 7, name: 'a' },
        { id: 7, name: 'a' },
        { id: 0, name: 'bad' },
      ],
      custom_fields: {
        '10': { id: 10, value: 'Refund' },
        '11': { id: 11, value: 3 },
        '12': { id: 12, value: true },
        '13': { id: 13, value: ['x', 'y'] },
        '14': { id: 14, value: null },
      },
    });
    expect(toTicketTagRows([t])).toEqual([{ ticket_external_id: 1, tag_external_id: 7 }]);
    expect(toTicketCustomFieldValueRows([t])).toEqual([
      { ticket_external_id: 1, field_external_id: 10, value: 'Refund' },
      { ticket_external_id: 1, field_external_id: 11, value: '3' },
      { ticket_external_id: 1, field_external_id: 12, value: 'true' },
      { ticket_external_id: 1, field_external_id: 13, value: '["x","y"]' },
    ]);
  });
});
