import {
  AGENT_EVENT_TYPES,
  SourceEvent,
  sourceTimeMs,
  TAG_EVENT_TYPES,
  TEAM_EVENT_TYPES,
  TICKET_HISTORY_EVENT_TYPES,
} from '../source/helpdesk-source';
import { idOf } from './event-targets';

/** What the events ask of one kind of object (agents, teams, tags): read again by id, or gone. */
export interface ObjectTargets {
  /** Ids to read again (`GET …/{id}`): created or changed. A 404 then means gone, unless the object was just created. */
  reread: string[];
  /** Ids a deletion event names (marked deleted without a call). */
  deleted: string[];
  /** Of `reread`, those created by an event in this batch: a 404 is the list's lag, not a deletion (read again next run). */
  created: string[];
}

/** A `tag-merged`: its target, and its source when the event's data names it (else found by re-reading the tags list). */
export interface TagMerge {
  target: string;
  source: string | null;
}

/** What a batch of events asks for issue 24's objects and histories (event-targets.ts sorts the ticket ones). */
export interface CoverageEventTargets {
  agents: ObjectTargets;
  teams: ObjectTargets;
  tags: ObjectTargets;
  merges: TagMerge[];
  /** Ticket history events not handled before, oldest first: stored as `ticket_events` rows. */
  history: SourceEvent[];
  /** Relevant events read (handled once acted on; the events stage remembers them), with the object each names. */
  handled: { id: string; at: string; kind: 'agent' | 'team' | 'tag' | 'history'; objectId: string | null }[];
}

const KINDS = [
  { kind: 'agent', types: AGENT_EVENT_TYPES, deleted: 'user-deleted', created: 'user-created' },
  { kind: 'team', types: TEAM_EVENT_TYPES, deleted: 'team-deleted', created: 'team-created' },
  { kind: 'tag', types: TAG_EVENT_TYPES, deleted: 'tag-deleted', created: 'tag-created' },
] as const;

const empty = (): ObjectTargets => ({ reread: [], deleted: [], created: [] });

/**
 * Sorts the events of users, teams, tags and ticket histories into what to do. Checks type and date on
 * our side (a fallback read may be unfiltered) and skips events already handled by an earlier run. An
 * object with a deletion event is gone whatever else happened to it in the batch; any other event asks
 * for one read of it, however many events name it.
 */
export function coverageEventTargets(events: SourceEvent[], sinceMs: number, alreadyHandled: ReadonlySet<string>): CoverageEventTargets {
  const out: CoverageEventTargets = { agents: empty(), teams: empty(), tags: empty(), merges: [], history: [], handled: [] };
  const byKind = { agent: out.agents, team: out.teams, tag: out.tags };
  const sets = {
    agent: { reread: new Set<string>(), deleted: new Set<string>(), created: new Set<string>() },
    team: { reread: new Set<string>(), deleted: new Set<string>(), created: new Set<string>() },
    tag: { reread: new Set<string>(), deleted: new Set<string>(), created: new Set<string>() },
  };
  const ordered = events
    .filter((e) => !!e && typeof e === 'object' && typeof e.type === 'string')
    .sort((a, b) => sourceTimeMs(a.created_datetime) - sourceTimeMs(b.created_datetime) || Number(a.id) - Number(b.id));
  for (const e of ordered) {
    const isHistory = TICKET_HISTORY_EVENT_TYPES.includes(e.type);
    const kind = KINDS.find((k) => (k.types as readonly string[]).includes(e.type));
    if (!isHistory && !kind) continue;
    if (!(sourceTimeMs(e.created_datetime) >= sinceMs)) continue;
    const eventId = idOf(e.id);
    const objectId = idOf(e.object_id);
    if (!eventId) continue;
    out.handled.push({ id: eventId, at: e.created_datetime, kind: kind?.kind ?? 'history', objectId });
    if (alreadyHandled.has(eventId) || !objectId) continue;
    if (isHistory) {
      out.history.push(e);
      continue;
    }
    const s = sets[kind!.kind];
    if (e.type === kind!.deleted) s.deleted.add(objectId);
    else s.reread.add(objectId);
    if (e.type === kind!.created) s.created.add(objectId);
    if (e.type === 'tag-merged') {
      const data = e.data && typeof e.data === 'object' ? e.data : {};
      out.merges.push({ target: objectId, source: idOf(data.merged_tag_id) });
    }
  }
  for (const k of ['agent', 'team', 'tag'] as const) {
    const s = sets[k];
    byKind[k].deleted = [...s.deleted];
    byKind[k].reread = [...s.reread].filter((id) => !s.deleted.has(id));
    byKind[k].created = [...s.created].filter((id) => !s.deleted.has(id));
  }
  return out;
}
