/**
 * The engine's one door to the helpdesk: what the stages read (tickets, messages, events, one
 * ticket), how they store it (rows from the provider's records), and the failures they act on.
 * Stages, the session and the outcome import this file, never `src/gorgias/`, so a second provider
 * would be one adapter plus this file, not a change in fifteen engine files.
 *
 * There is one provider today, so the port speaks its shapes: the records, list pages, datetimes and
 * error codes below are Gorgias', re-exported here and nowhere else in the engine. A second provider
 * maps into them (or this file grows a shape of its own then: not before it is needed).
 *
 * This file is the bottom of the engine: it imports nothing else of it (session/ imports it).
 *
 * `src/gorgias/` implements the port without importing it (the arrow runs down: gorgias/ sits below
 * sync/): `GorgiasClient` has these methods, and `GorgiasClientFactory` is bound to HELPDESK_SOURCES
 * in sync.module.ts, where the compiler checks that it fits `HelpdeskSources`.
 */
import type { GorgiasEventListParams } from '../../../gorgias/gorgias-client';
import type {
  GorgiasCredentials,
  GorgiasCustomField,
  GorgiasEvent,
  GorgiasListParams,
  GorgiasMessage,
  GorgiasPage,
  GorgiasSatisfactionSurvey,
  GorgiasTagDefinition,
  GorgiasTeam,
  GorgiasTicket,
  GorgiasUser,
} from '../../../gorgias/gorgias.types';

export { GorgiasApiError as HelpdeskApiError } from '../../../gorgias/gorgias-api.error';
export type { GorgiasErrorCode as HelpdeskErrorCode } from '../../../gorgias/gorgias-api.error';
/** A helpdesk datetime in milliseconds (NaN when it is not one): the lists sort and stop on these. */
export { datetimeMs as sourceTimeMs } from '../../../gorgias/gorgias-datetime';
/** Which helpdesk events a run reads, and which of them delete a ticket. */
export {
  AGENT_EVENT_TYPES,
  SYNC_EVENT_OBJECT_TYPES,
  SYNC_EVENT_TYPES,
  TAG_EVENT_TYPES,
  TEAM_EVENT_TYPES,
  TICKET_DELETION_EVENT_TYPES,
  TICKET_HISTORY_EVENT_TYPES,
  TICKET_REFRESH_EVENT_TYPES,
} from '../../../gorgias/gorgias-event-types';
/** The provider's records as write rows (tickets/model): used by ticket-store.ts only. */
export { toCustomerRows } from '../../../gorgias/mappers/customer.mapper';
export { toMessageRows } from '../../../gorgias/mappers/message.mapper';
export { toTicketRows } from '../../../gorgias/mappers/ticket.mapper';
/** Issue 24: users, teams, tags, surveys and custom fields as write rows, and a ticket's tag and field links. */
export {
  toAgentRows,
  toCustomFieldDefinitionRows,
  toSatisfactionSurveyRows,
  toTagRows,
  toTeamRows,
  toTicketCustomFieldValueRows,
  toTicketTagDefinitionRows,
  toTicketTagRows,
} from '../../../gorgias/mappers/coverage.mapper';

export type SourceTicket = GorgiasTicket;
export type SourceMessage = GorgiasMessage;
export type SourceEvent = GorgiasEvent;
export type SourcePage<T> = GorgiasPage<T>;
export type SourceListParams = GorgiasListParams;
export type SourceEventListParams = GorgiasEventListParams;
export type SourceAgent = GorgiasUser;
export type SourceTeam = GorgiasTeam;
export type SourceTag = GorgiasTagDefinition;
export type SourceSatisfactionSurvey = GorgiasSatisfactionSurvey;
export type SourceCustomField = GorgiasCustomField;
/** What a connector authenticates with (stored encrypted by connectors/). */
export type HelpdeskCredentials = GorgiasCredentials;

/** The calls a source made so far (what the account's rate limit counts). */
export interface CallCount {
  requests: number;
  rateLimitWaits: number;
}

/** One connector's account, as one run reads it. */
export interface HelpdeskSource {
  /** Calls made so far (a run stores them, and a webhook refresh spends its budget by them). */
  readonly stats: CallCount;
  /** Newest or oldest first by `order_by`; `ticket_ids` reads those tickets only. */
  listTickets(params: SourceListParams & { ticket_ids?: string[] }): Promise<SourcePage<SourceTicket>>;
  /** Every message of the account; `ticket_id` narrows to one ticket. */
  listMessages(params: SourceListParams & { ticket_id?: number }): Promise<SourcePage<SourceMessage>>;
  listEvents(params: SourceEventListParams): Promise<SourcePage<SourceEvent>>;
  /** One ticket with its messages embedded; HelpdeskApiError NOT_FOUND when the account no longer has it. */
  getTicket(id: number): Promise<SourceTicket>;
  /**
   * Issue 24: the small lists (users, teams, tags, surveys, custom fields; creation order only) and one
   * object by id (HelpdeskApiError NOT_FOUND when the account no longer has it, or does not show it yet).
   */
  listUsers(params: SourceListParams): Promise<SourcePage<SourceAgent>>;
  getUser(id: number): Promise<SourceAgent>;
  listTeams(params: SourceListParams): Promise<SourcePage<SourceTeam>>;
  getTeam(id: number): Promise<SourceTeam>;
  listTags(params: SourceListParams): Promise<SourcePage<SourceTag>>;
  getTag(id: number): Promise<SourceTag>;
  listSatisfactionSurveys(params: SourceListParams): Promise<SourcePage<SourceSatisfactionSurvey>>;
  getSatisfactionSurvey(id: number): Promise<SourceSatisfactionSurvey>;
  /** Definitions of one object type; `archived` lists the archived ones (the default list leaves them out). */
  listCustomFields(
    params: SourceListParams & { objectType?: 'Ticket' | 'Customer'; archived?: boolean },
  ): Promise<SourcePage<SourceCustomField>>;
  /** Every page of a cursor list, one call per page. */
  paginate<T>(fetchPage: (cursor?: string) => Promise<SourcePage<T>>): AsyncGenerator<SourcePage<T>>;
}

/** Whose work a source does: its tenant and connector, for fair turns on a shared account. */
export interface SourceOwner {
  tenantId: string;
  connectorId: string;
}

/** Opens a connector's source (one per run). */
export interface HelpdeskSources {
  create(credentials: HelpdeskCredentials, owner: SourceOwner): HelpdeskSource;
}

/** The Nest token of the HelpdeskSources (bound to src/gorgias in sync.module.ts). */
export const HELPDESK_SOURCES = Symbol('HELPDESK_SOURCES');
