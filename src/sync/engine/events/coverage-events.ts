import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { TicketEventWriteRow } from '../../../tickets/model/ticket-event.table';
import { CoverageWriteRepository, DeletableCoverageTable } from '../../../tickets/repositories/coverage-write.repository';
import { TicketEventWriteRepository, TicketStateRow } from '../../../tickets/repositories/ticket-event-write.repository';
import { TicketLinkWriteRepository } from '../../../tickets/repositories/ticket-link-write.repository';
import { WriteScope } from '../../../tickets/repositories/ticket-write.repository';
import { PAGE_SIZE } from '../../sync.constants';
import { PageChangeSet } from '../session/page-changes';
import { RunSession } from '../session/run-session';
import { HelpdeskApiError, SourceEvent, toAgentRows, toTagRows, toTeamRows } from '../source/helpdesk-source';
import { coverageEventTargets, ObjectTargets } from './coverage-event-targets';
import { idOf } from './event-targets';

/** What the coverage events asked for: the events handled (to remember) and the tickets to re-read. */
export interface CoverageEventsFound {
  handled: { id: string; at: string }[];
  ticketIds: string[];
}

/** Objects of one kind read again by id per run; the events of the others are left for the next run. */
const MAX_REREADS_PER_KIND = 100;

/** What one kind's reads found: objects Gorgias has, ids it no longer has, ids to try again next run. */
interface Reads<T> {
  found: T[];
  gone: string[];
  retry: Set<string>;
}

/**
 * Issue 24's part of the events stage: users, teams and tags an event names are read again by id (a 404
 * is a deletion, unless the object was created in this batch: then it is the list's lag and its events
 * are left for the next run), tags merged or deleted leave the stored tickets that carried them (Gorgias
 * retags them silently in the worst case), and ticket history events become `ticket_events` rows, filled
 * from the event's data when it has some, else from the ticket as the tickets walk just stored it. Reads
 * first, then one page transaction. No event of these kinds, no call.
 */
@Injectable()
export class CoverageEvents {
  constructor(
    private readonly coverage: CoverageWriteRepository,
    private readonly history: TicketEventWriteRepository,
    private readonly links: TicketLinkWriteRepository,
  ) {}

  /**
   * Acts on the events; returns those handled (to remember) and the tickets to re-read. `inPage` writes
   * the caller's part in the same transaction, with what it found (the events stage saves its plan there:
   * tickets that lost a tag are then never forgotten by a retry). No event of these kinds: no page, and
   * `committed` is false.
   */
  async apply(
    session: RunSession,
    events: SourceEvent[],
    sinceMs: number,
    alreadyHandled: ReadonlySet<string>,
    inPage?: (tx: EntityManager, changes: PageChangeSet, found: CoverageEventsFound) => Promise<void>,
  ): Promise<CoverageEventsFound & { committed: boolean }> {
    const t = coverageEventTargets(events, sinceMs, alreadyHandled);
    if (!t.handled.length) return { handled: [], ticketIds: [], committed: false };
    const src = session.source;
    const agents = await this.readEach('agent', t.agents, (id) => src.getUser(id));
    const teams = await this.readEach('team', t.teams, (id) => src.getTeam(id));
    const tags = await this.readEach('tag', t.tags, (id) => src.getTag(id));
    // A merge whose event does not name its source: the source is the stored tag the list no longer shows.
    const unnamed = t.merges.filter((m) => !m.source);
    let vanished: string[] = [];
    if (unnamed.length) {
      const listed = new Set<string>();
      try {
        const pages = src.paginate((cursor) => src.listTags({ limit: PAGE_SIZE, cursor, order_by: 'created_datetime:desc' }));
        for await (const page of pages) {
          for (const tag of page.data) if (tag && idOf(tag.id)) listed.add(String(tag.id));
          tags.found.push(...page.data);
        }
        const stored = await this.coverage.allLiveIds(session.services.dataSource.manager, session.scope, 'tags');
        const fresh = new Set([...t.tags.created, ...t.merges.map((m) => m.target)]);
        vanished = stored.filter((id) => !listed.has(id) && !fresh.has(id));
      } catch (e) {
        if (!(e instanceof HelpdeskApiError && e.code === 'PERMISSION_DENIED')) throw e;
      }
    }

    const retry = new Set([...agents.retry, ...teams.retry, ...tags.retry]);
    const handled = t.handled
      .filter((h) => !(h.kind !== 'history' && h.objectId && retry.has(`${h.kind}:${h.objectId}`)))
      .map((h) => ({ id: h.id, at: h.at }));
    let ticketIds = new Set<string>();
    let historyStored = 0;
    await session.page(async (tx, changes) => {
      ticketIds = new Set(); // a retried transaction starts over
      const at = new Date();
      const scope = session.scope;
      await this.coverage.upsertAgents(tx, scope, toAgentRows(agents.found));
      await this.coverage.upsertTeams(tx, scope, toTeamRows(teams.found));
      await this.coverage.upsertTags(tx, scope, toTagRows(tags.found));
      await this.markGone(tx, scope, 'agents', [...t.agents.deleted, ...agents.gone], at);
      await this.markGone(tx, scope, 'teams', [...t.teams.deleted, ...teams.gone], at);
      await this.markGone(tx, scope, 'tags', [...t.tags.deleted, ...tags.gone], at);
      // Tags gone from Gorgias leave their tickets there without a ticket event: here too.
      for (const id of [...t.tags.deleted, ...tags.gone]) changes.addOther(await this.links.retag(tx, scope, id, null));
      for (const merge of t.merges.filter((m) => m.source)) await this.merge(tx, scope, merge.source!, merge.target, at, changes);
      for (const source of vanished) {
        if (unnamed.length === 1) {
          await this.merge(tx, scope, source, unnamed[0].target, at, changes);
        } else {
          // Several merges, none naming its source: which target took a tag is unknown; its tickets are read again.
          await this.coverage.markDeleted(tx, scope, 'tags', [source], at);
          const r = await this.links.retag(tx, scope, source, null);
          changes.addOther(r);
          r.changedTicketIds.forEach((id) => ticketIds.add(id));
        }
      }
      historyStored = await this.storeHistory(tx, session, t.history);
      await inPage?.(tx, changes, { handled, ticketIds: [...ticketIds] });
    });
    if (agents.found.length + teams.found.length + tags.found.length + historyStored || retry.size) {
      await session.logs.info(
        session.scope,
        `Events: ${agents.found.length} agents, ${teams.found.length} teams and ${tags.found.length} tags read again; ` +
          `${historyStored} ticket history entries stored` +
          (retry.size ? `; ${retry.size} objects not shown by Gorgias yet, read again next run.` : '.'),
      );
    }
    return { handled, ticketIds: [...ticketIds], committed: true };
  }

  private async merge(tx: EntityManager, scope: WriteScope, source: string, target: string, at: Date, changes: PageChangeSet) {
    await this.coverage.markTagMerged(tx, scope, source, target, at);
    changes.addOther(await this.links.retag(tx, scope, source, target));
  }

  private async markGone(tx: EntityManager, scope: WriteScope, table: DeletableCoverageTable, ids: string[], at: Date) {
    await this.coverage.markDeleted(tx, scope, table, [...new Set(ids)], at);
  }

  /** Reads each object an event names, one call each (these events are rare); `retry` holds `kind:id`. */
  private async readEach<T>(kind: string, targets: ObjectTargets, get: (id: number) => Promise<T>): Promise<Reads<T>> {
    const out: Reads<T> = { found: [], gone: [], retry: new Set() };
    for (const [i, id] of targets.reread.entries()) {
      if (i >= MAX_REREADS_PER_KIND) {
        out.retry.add(`${kind}:${id}`);
        continue;
      }
      try {
        out.found.push(await get(Number(id)));
      } catch (e) {
        // The key's role cannot see this kind (403): nothing to learn by asking again (the coverage stage says so).
        if (e instanceof HelpdeskApiError && e.code === 'PERMISSION_DENIED') return out;
        if (!(e instanceof HelpdeskApiError && e.code === 'NOT_FOUND')) throw e;
        if (targets.created.includes(id)) out.retry.add(`${kind}:${id}`);
        else out.gone.push(id);
      }
    }
    return out;
  }

  /** Stores the history events as rows; returns how many were new. */
  private async storeHistory(tx: EntityManager, session: RunSession, events: SourceEvent[]): Promise<number> {
    if (!events.length) return 0;
    const scope = session.scope;
    const states = await this.history.ticketStates(tx, scope, [...new Set(events.map((e) => String(e.object_id)))]);
    const tagIdsOf = (e: SourceEvent, key: 'added' | 'removed'): string[] => {
      const data = e.data && typeof e.data === 'object' ? e.data : {};
      if (Array.isArray(data.tag_ids)) return data.tag_ids.map(idOf).filter((id): id is string => !!id);
      return [...(session.tagChanges.get(String(e.object_id))?.[key] ?? [])];
    };
    const allTagIds = events.flatMap((e) => [...tagIdsOf(e, 'added'), ...tagIdsOf(e, 'removed')]);
    const names = await this.history.tagNames(tx, scope, [...new Set(allTagIds)]);
    const named = (ids: string[]) => ids.map((id) => names.get(id)).filter((n): n is string => !!n);
    const rows = events.map((e) =>
      historyRow(e, states.get(String(e.object_id)), {
        added: e.type === 'ticket-tags-added' ? named(tagIdsOf(e, 'added')) : [],
        removed: e.type === 'ticket-tags-removed' ? named(tagIdsOf(e, 'removed')) : [],
      }),
    );
    return this.history.insert(tx, scope, rows);
  }
}

/** One history row: what the event's data says, else what the stored ticket shows now. */
export function historyRow(
  e: SourceEvent,
  state: TicketStateRow | undefined,
  tags: { added: string[]; removed: string[] },
): TicketEventWriteRow {
  const data = e.data && typeof e.data === 'object' ? e.data : {};
  const has = (k: string) => Object.prototype.hasOwnProperty.call(data, k);
  const num = (v: unknown) => {
    const id = idOf(v);
    return id ? Number(id) : null;
  };
  const assignee =
    e.type === 'ticket-assigned' ? (has('assignee_user_id') ? num(data.assignee_user_id) : num(state?.assignee_external_id)) : null;
  const team =
    e.type === 'ticket-team-assigned' ? (has('assignee_team_id') ? num(data.assignee_team_id) : num(state?.team_external_id)) : null;
  const status = e.type === 'ticket-closed' ? 'closed' : e.type === 'ticket-reopened' ? 'open' : null;
  return {
    external_id: Number(e.id),
    ticket_external_id: Number(e.object_id),
    type: e.type,
    at: e.created_datetime,
    actor_external_id: num(e.user_id),
    assignee_external_id: assignee,
    team_external_id: team,
    status,
    tags_added: tags.added,
    tags_removed: tags.removed,
  };
}
