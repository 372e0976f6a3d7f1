import { buildSchema, GraphQLInputObjectType, GraphQLObjectType } from 'graphql';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ColumnSpec } from '../model/columns';
import { CUSTOMER_COLUMNS } from '../model/customer.table';
import { MESSAGE_COLUMNS, MESSAGE_FIELDS_WITHOUT_COLUMNS, MESSAGE_READ_COLUMNS } from '../model/message.table';
import { TICKET_COLUMNS, TICKET_FIELDS_WITHOUT_COLUMNS, TICKET_READ_COLUMNS, ticketColumnsFor } from '../model/ticket.table';
import { toCustomer, toMessage, toTicket } from './ticket-row.mapper';

/**
 * The column tables (src/tickets/model/*.table.ts) against the GraphQL schema the API serves (the
 * committed schema.gql, which test/e2e/tickets/schema.e2e-spec.ts holds to the code): a column given a field that
 * does not exist, a GraphQL field no column gives, a filter argument on one side only, or a read column
 * the row mappers drop fails here instead of silently reading every column or hiding a change.
 */
const schema = buildSchema(readFileSync(join(__dirname, '../../../schema.gql'), 'utf8'));
const objectFields = (name: string) => Object.keys((schema.getType(name) as GraphQLObjectType).getFields()).sort();
const tableFields = (table: readonly ColumnSpec[]) => [...new Set(table.flatMap((c) => (c.field ? [c.field] : [])))];

describe('column tables and the GraphQL schema', () => {
  it.each([
    ['Ticket', TICKET_COLUMNS, TICKET_FIELDS_WITHOUT_COLUMNS],
    ['Message', MESSAGE_COLUMNS, MESSAGE_FIELDS_WITHOUT_COLUMNS],
    ['Customer', CUSTOMER_COLUMNS, []],
  ] as const)(
    'every %s field comes from a column of its table or is listed as computed, and no column names another',
    (type, table, computed) => {
      const fields = objectFields(type);
      expect(tableFields(table).filter((f) => !fields.includes(f))).toEqual([]);
      const known = new Set([...tableFields(table), ...computed]);
      expect(fields.filter((f) => !known.has(f))).toEqual([]);
    },
  );

  it('knows the columns of every Ticket field, so a page never falls back to reading them all', () => {
    for (const f of [...objectFields('Ticket'), '__typename']) expect([f, ticketColumnsFor([f])]).toEqual([f, expect.any(Array)]);
  });

  it('gives every TicketFilter argument a home: a column of the table, or one of the hand-written clauses', () => {
    const args = Object.keys((schema.getType('TicketFilter') as GraphQLInputObjectType).getFields()).sort();
    const fromTable = TICKET_COLUMNS.flatMap((c) => ('filter' in c ? [c.filter.arg as string] : []));
    expect(fromTable.filter((a) => !args.includes(a))).toEqual([]);
    const handWritten = ['updatedAfter', 'updatedBefore', 'search', 'includeDeleted', 'tag', 'minSatisfactionScore']; // repositories/ticket-where.ts
    expect(args.filter((a) => !fromTable.includes(a) && !handWritten.includes(a))).toEqual([]);
  });
});

describe('row mappers', () => {
  /** The columns whose value does not reach the mapped object (each column of the row holds a value naming it). */
  function reachesObject(columns: readonly ColumnSpec[], map: (row: any) => object): string[] {
    const value = (c: ColumnSpec) =>
      c.type === 'text[]' ? [`<${c.column}>`] : c.type === 'jsonb' ? [{ url: `<${c.column}>` }] : `<${c.column}>`;
    const row = Object.fromEntries(columns.map((c) => [c.column, value(c)]));
    const out = JSON.stringify(map(row));
    return columns.filter((c) => !out.includes(`<${c.column}>`)).map((c) => c.column);
  }

  it('carry every read column of a ticket, message and customer into the API object', () => {
    expect(reachesObject(TICKET_READ_COLUMNS, toTicket)).toEqual([]);
    expect(reachesObject(MESSAGE_READ_COLUMNS, (r) => toMessage(r, 'ticket'))).toEqual([]);
    // connector_id keys the customers batch (`connectorId:externalId`), it is not shown.
    const shownCustomerColumns = CUSTOMER_COLUMNS.filter((c) => 'field' in c);
    expect(reachesObject(shownCustomerColumns, toCustomer)).toEqual([]);
  });
});
