/** What the GraphQL server wiring (src/graphql/graphql.options.ts) is told about the ticket types. */

/** The Ticket fields a page can answer from its own statement (see answerPreloadedFields). */
export const PRELOADED_TICKET_FIELDS = ['Ticket.customer', 'Ticket.messages'];

/** The types of a ticket page whose fields are plain properties (see readPlainFieldsDirectly). */
export const PLAIN_TICKET_TYPES = [
  'Ticket',
  'Customer',
  'Message',
  'Participant',
  'Attachment',
  'PageInfo',
  'TicketConnection',
  'TicketEdge',
  'MessageConnection',
  'MessageEdge',
  'Agent',
  'Team',
  'Tag',
  'SatisfactionSurvey',
  'CustomFieldValue',
  'TicketEvent',
  'TicketEventConnection',
  'TicketEventEdge',
];
