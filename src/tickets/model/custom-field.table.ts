import { ColumnSpec, ReadColumnsOf, readColumns, SameKeys, WrittenColumnsOf } from './columns';

/**
 * `custom_field_definitions` (issue 24; Gorgias `GET /api/custom-fields?object_type=Ticket`, active and
 * archived): the fields an admin defined. `deactivated_at` is Gorgias' `deactivated_datetime` (archived).
 */
export const CUSTOM_FIELD_DEFINITION_COLUMNS = [
  { column: 'connector_id', type: 'uuid', always: true },
  { column: 'external_id', type: 'bigint', field: 'externalId', write: true, upsertKey: true },
  { column: 'label', type: 'text', field: 'label', write: true },
  { column: 'data_type', type: 'text', field: 'dataType', write: true },
  { column: 'object_type', type: 'text', field: 'objectType', write: true },
  { column: 'deactivated_at', type: 'timestamptz', field: 'deactivatedAt', write: true },
] as const satisfies readonly ColumnSpec[];

/** A definition as reads return it (bigint ids as decimal text). */
export interface CustomFieldDefinitionRow {
  connector_id: string;
  external_id: string;
  label: string;
  data_type: string | null;
  object_type: string | null;
  deactivated_at: Date | null;
}

/** A definition as the sync writes it. */
export interface CustomFieldDefinitionWriteRow {
  external_id: number;
  label: string;
  data_type: string | null;
  object_type: string | null;
  deactivated_at: string | null;
}

const _readRow: SameKeys<keyof CustomFieldDefinitionRow, ReadColumnsOf<typeof CUSTOM_FIELD_DEFINITION_COLUMNS>> = true;
const _writeRow: SameKeys<keyof CustomFieldDefinitionWriteRow, WrittenColumnsOf<typeof CUSTOM_FIELD_DEFINITION_COLUMNS>> = true;

/** Definition columns read, in SELECT order. */
export const CUSTOM_FIELD_DEFINITION_READ_COLUMNS = readColumns(CUSTOM_FIELD_DEFINITION_COLUMNS);

/**
 * `ticket_custom_field_values`: a ticket's values, one row per field. `value` is the provider's value as
 * text: a string as is, a number or boolean as its JSON text (`42`, `true`), a list or object as JSON text.
 * The ticket write path replaces a ticket's rows whenever it stores the ticket; a null value has no row.
 */
export const TICKET_CUSTOM_FIELD_VALUE_COLUMNS = [
  { column: 'connector_id', type: 'uuid', always: true },
  { column: 'ticket_external_id', type: 'bigint', field: 'ticketExternalId', write: true, upsertKey: true },
  { column: 'field_external_id', type: 'bigint', field: 'fieldExternalId', write: true, upsertKey: true },
  { column: 'value', type: 'text', field: 'value', write: true },
] as const satisfies readonly ColumnSpec[];

/** A value as reads return it. */
export interface TicketCustomFieldValueRow {
  connector_id: string;
  ticket_external_id: string;
  field_external_id: string;
  value: string | null;
}

/** A value as the sync writes it. */
export interface TicketCustomFieldValueWriteRow {
  ticket_external_id: number;
  field_external_id: number;
  value: string;
}

const _valueReadRow: SameKeys<keyof TicketCustomFieldValueRow, ReadColumnsOf<typeof TICKET_CUSTOM_FIELD_VALUE_COLUMNS>> = true;
const _valueWriteRow: SameKeys<keyof TicketCustomFieldValueWriteRow, WrittenColumnsOf<typeof TICKET_CUSTOM_FIELD_VALUE_COLUMNS>> = true;
