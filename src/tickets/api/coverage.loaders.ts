import DataLoader from 'dataloader';
import { GraphqlContext } from '../../auth/graphql-context';
import type { AgentRow } from '../model/agent.table';
import type { ExternalKey, TicketEventKey } from '../model/coverage-read.types';
import { keyOf, TicketCoverageService } from '../queries/ticket-coverage.service';
import { Agent, CustomFieldValue, SatisfactionSurvey, Tag, Team, TicketEvent } from './models/coverage.models';
import { loader, requestUser } from './tickets.loaders';

/**
 * Per-request DataLoaders of the coverage fields (see tickets.loaders.ts): one SQL query per field
 * per page of parents, whatever the page size. Tickets and agents are keyed by (connector, Gorgias id).
 */
const cacheKeyFn = (k: ExternalKey) => keyOf(k.connectorId, k.externalId);

export function toAgent(r: AgentRow): Agent {
  return { connectorId: r.connector_id, externalId: r.external_id, name: r.name, email: r.email, role: r.role, active: r.active };
}

/**
 * Agents by (connector, Gorgias user id). An id the agents list does not hold (yet: Gorgias may name a
 * user in an event before its list shows it) still answers, with its id only, so no assignment is lost.
 */
export function agentLoader(ctx: GraphqlContext, service: TicketCoverageService) {
  const user = requestUser(ctx);
  return loader<ExternalKey, Agent, string>(
    ctx,
    'coverage.agent',
    () =>
      new DataLoader(
        async (keys) => {
          const found = await service.agentsByKeys(user, keys);
          return keys.map((k) => {
            const row = found.get(cacheKeyFn(k));
            return row
              ? toAgent(row)
              : { connectorId: k.connectorId, externalId: k.externalId, name: null, email: null, role: null, active: true };
          });
        },
        { cacheKeyFn },
      ),
  );
}

/** Teams by (connector, Gorgias team id); null when the teams list does not hold it. */
export function teamLoader(ctx: GraphqlContext, service: TicketCoverageService) {
  const user = requestUser(ctx);
  return loader<ExternalKey, Team | null, string>(
    ctx,
    'coverage.team',
    () =>
      new DataLoader(
        async (keys) => {
          const found = await service.teamsByKeys(user, keys);
          return keys.map((k) => {
            const row = found.get(cacheKeyFn(k));
            return row ? { externalId: row.external_id, name: row.name } : null;
          });
        },
        { cacheKeyFn },
      ),
  );
}

/** Each ticket's tags (by name). */
export function tagListLoader(ctx: GraphqlContext, service: TicketCoverageService) {
  const user = requestUser(ctx);
  return loader<ExternalKey, Tag[], string>(
    ctx,
    'coverage.tagList',
    () =>
      new DataLoader(
        async (tickets) => {
          const found = await service.ticketTags(user, tickets);
          return tickets.map((k) => (found.get(cacheKeyFn(k)) ?? []).map((r) => ({ externalId: r.external_id, name: r.name })));
        },
        { cacheKeyFn },
      ),
  );
}

/** Each ticket's satisfaction survey, or null. */
export function satisfactionLoader(ctx: GraphqlContext, service: TicketCoverageService) {
  const user = requestUser(ctx);
  return loader<ExternalKey, SatisfactionSurvey | null, string>(
    ctx,
    'coverage.satisfaction',
    () =>
      new DataLoader(
        async (tickets) => {
          const found = await service.surveys(user, tickets);
          return tickets.map((k) => {
            const r = found.get(cacheKeyFn(k));
            return r ? { externalId: r.external_id, score: r.score, comment: r.body_text, sentAt: r.sent_at, scoredAt: r.scored_at } : null;
          });
        },
        { cacheKeyFn },
      ),
  );
}

/** Each ticket's custom field values (by label). */
export function customFieldsLoader(ctx: GraphqlContext, service: TicketCoverageService) {
  const user = requestUser(ctx);
  return loader<ExternalKey, CustomFieldValue[], string>(
    ctx,
    'coverage.customFields',
    () =>
      new DataLoader(
        async (tickets) => {
          const found = await service.customFields(user, tickets);
          return tickets.map((k) =>
            (found.get(cacheKeyFn(k)) ?? []).map((r) => ({ fieldId: r.field_external_id, label: r.label, value: r.value })),
          );
        },
        { cacheKeyFn },
      ),
  );
}

/** One ticket's page of history. */
export interface TicketEventPage {
  rows: TicketEvent[];
  totalCount: number;
}

/** A page of history per ticket; one loader (so one query) per distinct (first, after). */
export function historyLoader(
  ctx: GraphqlContext,
  service: TicketCoverageService,
  size: number,
  at: TicketEventKey | undefined,
  atRaw: string,
) {
  const user = requestUser(ctx);
  return loader<ExternalKey, TicketEventPage, string>(
    ctx,
    `coverage.history:${size}:${atRaw}`,
    () =>
      new DataLoader(
        async (tickets) =>
          (await service.historyPages(user, tickets, size, at)).map((page, i) => ({
            totalCount: page.totalCount,
            rows: page.rows.map((r) => {
              const e = new TicketEvent();
              e.externalId = r.external_id;
              e.type = r.type;
              e.at = r.at;
              e.status = r.status;
              e.tagsAdded = r.tags_added ?? [];
              e.tagsRemoved = r.tags_removed ?? [];
              e.connectorId = tickets[i].connectorId;
              e.actorExternalId = r.actor_external_id;
              e.assigneeExternalId = r.assignee_external_id;
              e.teamExternalId = r.team_external_id;
              e.atKey = r.at_key;
              return e;
            }),
          })),
        { cacheKeyFn },
      ),
  );
}
