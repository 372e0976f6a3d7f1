/**
 * The rows the read side returns for the coverage objects (agents, teams, tags, satisfaction surveys,
 * custom field values, ticket events), as the repositories select them: bigint ids as decimal text,
 * column names as in the tables of migration 1764000000110.
 */

/** A Gorgias user (agent) of a connector's account. */
export interface AgentRow {
  connector_id: string;
  external_id: string;
  name: string | null;
  email: string | null;
  role: string | null;
  active: boolean;
}

/** A team (or a tag: same shape) of a connector's account. */
export interface NamedRow {
  connector_id: string;
  external_id: string;
  name: string;
}

/** One ticket's tag (from the ticket–tag link and the tags list). */
export interface TicketTagRow extends NamedRow {
  ticket_external_id: string;
}

/** A ticket's satisfaction survey. */
export interface SurveyRow {
  connector_id: string;
  ticket_external_id: string;
  external_id: string;
  score: number | null;
  body_text: string | null;
  sent_at: Date | null;
  scored_at: Date | null;
}

/** One custom field value of a ticket, with the label of its definition. */
export interface CustomFieldValueRow {
  connector_id: string;
  ticket_external_id: string;
  field_external_id: string;
  label: string;
  value: string | null;
}

/** When a ticket first had a public message from an agent. */
export interface FirstAgentReplyRow {
  connector_id: string;
  ticket_external_id: string;
  at: Date;
}

/** A ticket's event (assignment, team, status, tags), as the history reads it. */
export interface TicketEventRow {
  external_id: string;
  type: string;
  at: Date;
  /** `at` with microseconds, the history's cursor key. */
  at_key: string;
  actor_external_id: string | null;
  assignee_external_id: string | null;
  team_external_id: string | null;
  status: string | null;
  tags_added: string[] | null;
  tags_removed: string[] | null;
}

/** A page of one ticket's history, as the batch query returns it (1-based `ord` of the ticket in the batch). */
export interface TicketEventPageRow extends TicketEventRow {
  ord: string;
  total: number;
}

/** Keyset position in a ticket's history (at ASC, external id ASC); `at` keeps microseconds. */
export interface TicketEventKey {
  at: string;
  id: string;
}

/** (connector, Gorgias id): how agents, teams, and tickets' coverage rows are asked for in batches. */
export interface ExternalKey {
  connectorId: string;
  externalId: string;
}
