import type { TicketEventRow } from './ticket-event.table';

/**
 * What the coverage reads (issue 24) return besides the rows of the tables themselves (agent.table.ts,
 * team.table.ts, tag.table.ts, satisfaction-survey.table.ts, custom-field.table.ts, ticket-event.table.ts),
 * and how they are asked for.
 */

/** (connector, Gorgias id): how agents, teams and tickets' coverage rows are asked for in batches. */
export interface ExternalKey {
  connectorId: string;
  externalId: string;
}

/** One ticket's tag: its id and name, and the ticket it is linked to. */
export interface TicketTagNameRow {
  connector_id: string;
  ticket_external_id: string;
  external_id: string;
  name: string;
}

/** One custom field value of a ticket, with the label of its definition (the field id when none is stored). */
export interface CustomFieldValueRow {
  connector_id: string;
  ticket_external_id: string;
  field_external_id: string;
  label: string;
  value: string | null;
}

/** A page of one ticket's history, as the batch query returns it (1-based `ord` of the ticket in the batch). */
export interface TicketEventPageRow extends TicketEventRow {
  /** `at` with microseconds, the history's cursor key. */
  at_key: string;
  ord: string;
  total: number;
}

/** Keyset position in a ticket's history (at ASC, external id ASC); `at` keeps microseconds. */
export interface TicketEventKey {
  at: string;
  id: string;
}
