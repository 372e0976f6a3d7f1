/**
 * One account's data in memory: tickets with their messages, customers, agents, tags and events, the id
 * counters, the account clock, and the sorted indexes the lists page through.
 */
import { randomUUID } from 'node:crypto';
import type { GorgiasEvent, GorgiasMessage, GorgiasTicket } from '../../src/gorgias/gorgias.types';
import { ApiError } from './api-error';
import { CoverageStore } from './coverage-store';
import { gorgiasDatetime } from './datetime';

/** A ticket with its sort keys in ms (c = created, u = updated) and its messages. */
export interface TicketRec {
  t: GorgiasTicket;
  c: number;
  u: number;
  msgs: MsgRec[];
}
export interface MsgRec {
  m: GorgiasMessage;
  c: number;
}
export interface CustomerRec {
  id: number;
  email: string;
  name: string;
  firstname: string;
  lastname: string;
  c: number;
  obj: Record<string, unknown>;
}
export interface AgentRec {
  id: number;
  email: string;
  name: string;
  firstname: string;
  lastname: string;
}
export interface EventRec {
  e: GorgiasEvent;
  c: number;
}

export const clone = <T>(x: T): T => structuredClone(x);
export const byCreatedThenId = (a: MsgRec, b: MsgRec) => a.c - b.c || a.m.id - b.m.id;

export class AccountStore {
  readonly tickets = new Map<number, TicketRec>();
  readonly customers: CustomerRec[] = [];
  readonly agents: AgentRec[] = [];
  readonly tags: { id: number; name: string }[] = [];
  readonly events: EventRec[] = [];
  /** Users, teams, tag definitions, satisfaction surveys, custom field definitions (issue 24). */
  readonly coverage = new CoverageStore();
  nextTicketId = 10_000_001;
  nextMessageId = 100_000_001;
  private nextEventId = 900_000_001;
  private lastStamp = 0;
  private sortedByCreated: TicketRec[] | null = null;
  private sortedByUpdated: TicketRec[] | null = null;
  private sortedMessages: MsgRec[] | null = null;
  /** Bumped on every change that can alter a message list; keys the cache below. */
  private version = 0;
  private untrashedMessages: { version: number; list: MsgRec[] } | null = null;

  constructor(readonly subdomain: string) {}

  // ------------------------------------------------------------------ clock

  /** A timestamp strictly greater than any existing one in the account. */
  stamp(): number {
    this.lastStamp = Math.max(Date.now(), this.lastStamp + 1);
    return this.lastStamp;
  }
  seen(ms: number): void {
    if (ms > this.lastStamp) this.lastStamp = ms;
  }

  // ------------------------------------------------------------------ indexes

  /** Ticket sort keys changed or tickets came or went: the ticket indexes are rebuilt on next read. */
  dirty(): void {
    this.version++;
    this.sortedByCreated = null;
    this.sortedByUpdated = null;
  }
  /** The set of listed messages changed in a way other than appending the newest one. */
  messagesDirty(): void {
    this.version++;
    this.sortedMessages = null;
  }
  /** Messages left the listed set (ticket deleted, message deleted). */
  unlistMessages(gone: MsgRec[]): void {
    this.version++;
    if (!this.sortedMessages || !gone.length) return;
    const set = new Set(gone);
    this.sortedMessages = this.sortedMessages.filter((m) => !set.has(m));
  }
  /** A message with the largest timestamp in the account was added: the index stays sorted. */
  appendMessage(mr: MsgRec): void {
    this.version++;
    if (this.sortedMessages) this.sortedMessages.push(mr);
  }
  setMessageIndex(all: MsgRec[]): void {
    this.version++;
    this.sortedMessages = all;
  }

  byCreated(): TicketRec[] {
    if (!this.sortedByCreated) this.sortedByCreated = [...this.tickets.values()].sort((a, b) => a.c - b.c || a.t.id - b.t.id);
    return this.sortedByCreated;
  }
  byUpdated(): TicketRec[] {
    if (!this.sortedByUpdated) this.sortedByUpdated = [...this.tickets.values()].sort((a, b) => a.u - b.u || a.t.id - b.t.id);
    return this.sortedByUpdated;
  }
  /** Every message of every ticket, by (created, id). */
  messagesSorted(): MsgRec[] {
    if (!this.sortedMessages) {
      const all: MsgRec[] = [];
      for (const r of this.tickets.values()) all.push(...r.msgs);
      this.sortedMessages = all.sort(byCreatedThenId);
    }
    return this.sortedMessages;
  }

  /** Every message whose ticket is not in the trash, by (created, id). */
  messagesOfUntrashedTickets(): MsgRec[] {
    if (this.untrashedMessages?.version !== this.version) {
      const list = this.messagesSorted().filter((mr) => !this.tickets.get(mr.m.ticket_id)?.t.trashed_datetime);
      this.untrashedMessages = { version: this.version, list };
    }
    return this.untrashedMessages.list;
  }

  // ------------------------------------------------------------------ lookups and events

  live(id: number): TicketRec {
    const rec = this.tickets.get(Number(id));
    if (!rec) throw new ApiError(404, `Ticket ${id} not found`);
    return rec;
  }

  message(ticketId: number, messageId: number): { rec: TicketRec; mr: MsgRec } {
    const rec = this.live(ticketId);
    const mr = rec.msgs.find((r) => r.m.id === Number(messageId));
    if (!mr) throw new ApiError(404, `Message ${messageId} not found`);
    return { rec, mr };
  }

  /** `userId`: the user who made the change (the event's actor), null for the system or an integration. */
  recordEvent(
    type: string,
    objectType: string,
    objectId: number,
    at: number,
    data: Record<string, unknown> | null = null,
    userId: number | null = null,
  ): void {
    const id = this.nextEventId++;
    const e: GorgiasEvent = {
      id,
      uri: `/api/events/${id}/`,
      context: randomUUID(),
      created_datetime: gorgiasDatetime(at),
      data,
      object_id: objectId,
      object_type: objectType,
      type,
      user_id: userId,
    };
    this.events.push({ e, c: at });
  }
}
