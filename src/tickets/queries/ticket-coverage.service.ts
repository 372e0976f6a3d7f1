import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../../auth/auth-user';
import { assertUuid } from '../../common/uuid';
import type { AgentRow } from '../model/agent.table';
import type { CustomFieldValueRow, ExternalKey, TicketEventKey, TicketEventPageRow, TicketTagNameRow } from '../model/coverage-read.types';
import type { SatisfactionSurveyRow } from '../model/satisfaction-survey.table';
import type { TagRow } from '../model/tag.table';
import type { TeamRow } from '../model/team.table';
import { DirectoryRepository } from '../repositories/directory.repository';
import { TicketCoverageRepository } from '../repositories/ticket-coverage.repository';
import { TicketHistoryRepository } from '../repositories/ticket-history.repository';

/** `connectorId:externalId`: how a batch's answers are matched to its keys. */
export const keyOf = (connectorId: string, externalId: string) => `${connectorId}:${externalId}`;

/** One ticket's page of history: the events (oldest first) and the ticket's total. */
export interface TicketEventPage {
  rows: TicketEventPageRow[];
  totalCount: number;
}

function groupBy<R>(rows: readonly R[], key: (r: R) => string): Map<string, R[]> {
  const out = new Map<string, R[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

/**
 * Read side of the coverage objects (agents, teams, tags, surveys, custom fields, ticket events):
 * every query is scoped by the caller's tenant; batches answer a whole page of tickets in one query.
 * Another tenant's connector is simply empty.
 */
@Injectable()
export class TicketCoverageService {
  constructor(
    private readonly directory: DirectoryRepository,
    private readonly coverage: TicketCoverageRepository,
    private readonly history: TicketHistoryRepository,
  ) {}

  agents(user: AuthUser, connectorId: string): Promise<AgentRow[]> {
    assertUuid(connectorId, 'connectorId');
    return this.directory.agents(user.tenantId, connectorId);
  }

  teams(user: AuthUser, connectorId: string): Promise<TeamRow[]> {
    assertUuid(connectorId, 'connectorId');
    return this.directory.teams(user.tenantId, connectorId);
  }

  tags(user: AuthUser, connectorId: string): Promise<TagRow[]> {
    assertUuid(connectorId, 'connectorId');
    return this.directory.tags(user.tenantId, connectorId);
  }

  /** Agents by (connector, Gorgias user id); keys are `connectorId:externalId`. */
  async agentsByKeys(user: AuthUser, keys: readonly ExternalKey[]): Promise<Map<string, AgentRow>> {
    const rows = keys.length ? await this.directory.agentsByKeys(user.tenantId, keys) : [];
    return new Map(rows.map((r) => [keyOf(r.connector_id, r.external_id), r]));
  }

  /** Teams by (connector, Gorgias team id); keys are `connectorId:externalId`. */
  async teamsByKeys(user: AuthUser, keys: readonly ExternalKey[]): Promise<Map<string, TeamRow>> {
    const rows = keys.length ? await this.directory.teamsByKeys(user.tenantId, keys) : [];
    return new Map(rows.map((r) => [keyOf(r.connector_id, r.external_id), r]));
  }

  /** Each ticket's tags by name; keys are the tickets' `connectorId:externalId`. */
  async ticketTags(user: AuthUser, tickets: readonly ExternalKey[]): Promise<Map<string, TicketTagNameRow[]>> {
    const rows = tickets.length ? await this.coverage.tags(user.tenantId, tickets) : [];
    return groupBy(rows, (r) => keyOf(r.connector_id, r.ticket_external_id));
  }

  async surveys(user: AuthUser, tickets: readonly ExternalKey[]): Promise<Map<string, SatisfactionSurveyRow>> {
    const rows = tickets.length ? await this.coverage.surveys(user.tenantId, tickets) : [];
    return new Map(rows.map((r) => [keyOf(r.connector_id, r.ticket_external_id ?? ''), r]));
  }

  async customFields(user: AuthUser, tickets: readonly ExternalKey[]): Promise<Map<string, CustomFieldValueRow[]>> {
    const rows = tickets.length ? await this.coverage.customFields(user.tenantId, tickets) : [];
    return groupBy(rows, (r) => keyOf(r.connector_id, r.ticket_external_id));
  }

  /** A page of each ticket's history (oldest first), in one query; in the order of `tickets`. */
  async historyPages(user: AuthUser, tickets: readonly ExternalKey[], size: number, at?: TicketEventKey): Promise<TicketEventPage[]> {
    if (!tickets.length) return [];
    const rows = await this.history.pages(user.tenantId, tickets, size, at);
    const pages: TicketEventPage[] = tickets.map(() => ({ rows: [], totalCount: 0 }));
    for (const r of rows) {
      const page = pages[Number(r.ord) - 1];
      page.totalCount = r.total;
      if (r.external_id != null) page.rows.push(r);
    }
    return pages;
  }
}
