/**
 * One simulated Gorgias account: its data (store, seed), its API keys, its rate-limit bucket and faults,
 * and the mutations tests drive. The HTTP layer (routes/) reads it through `reads.ts`.
 */
import type { GorgiasMessage, GorgiasTicket } from '../../src/gorgias/gorgias.types';
import { gorgiasDatetime } from './datetime';
import { FaultConfig, FaultInjector, mulberry32 } from './faults';
import { KeyGrant, KeyOptions, KeyRing } from './keys';
import { mergeBehaviour, SimBehaviour, WORST_CASE } from './behaviour';
import { coverageFacade, SimCoverage } from './account-coverage';
import { coverageStats } from './coverage-reads';
import { seedCoverage } from './coverage-seed';
import * as messages from './message-mutations';
import type { MessagePatch } from './message-mutations';
import type { MutationContext } from './mutation-context';
import * as tickets from './ticket-mutations';
import { LeakyBucket, RateLimitConfig } from './rate-limiter';
import { snapshot } from './reads';
import { DAY, seedAccount, SeedOptions } from './seed';
import { AccountStore, clone } from './store';
import { HttpIntegration, IntegrationRegistry } from './webhooks/integrations';
import { WebhookDelivery, WebhookDeliveryConfig, WebhookDispatcher } from './webhooks/delivery';

export { ALL_SCOPES } from './keys';
export type { KeyOptions, Resource, Scope } from './keys';
export { gorgiasDatetime } from './datetime';

export interface AddAccountOptions extends SeedOptions {
  subdomain: string;
  email: string;
  apiKey: string;
  seed?: number;
  status?: 'active' | 'inactive';
  /**
   * Whether /api/events accepts the `types` and `created_datetime[...]` filters (default true). They are
   * not in the public reference: false answers 400 to them, as the real API may.
   */
  eventFilters?: boolean;
  /** Answers to undocumented behaviours (default: the worst case for a client, see behaviour.ts). */
  behaviour?: Partial<SimBehaviour>;
}

export interface SimAccountStats {
  requests: number;
  byRoute: Record<string, number>;
  /** 429s served. */
  rateLimited: number;
  /** Failures injected (error, cut, truncate); slow answers are not counted. */
  faults: number;
  /** The account's data now: what a full read of it has to fetch (for benchmarks' lower bounds). */
  data: {
    tickets: number;
    messages: number;
    /** Messages `GET /api/messages` lists (the worst case leaves out those of trashed tickets). */
    listedMessages: number;
    /** Trashed tickets that have messages the messages list leaves out (each read on its own). */
    trashedWithHiddenMessages: number;
    /** Users, teams, tags, surveys, custom fields (active and archived) the lists show now, and their pages of 100. */
    coverage: ReturnType<typeof coverageStats>;
  };
}

export interface SimAccount {
  subdomain: string;
  /** Adds a key or replaces an existing key's owner and permissions (see KeyOptions). */
  addKey(o: KeyOptions): void;
  revokeKey(apiKey: string): void;
  setFaults(f: FaultConfig): void;
  createTicket(partial?: Partial<GorgiasTicket>): GorgiasTicket;
  addMessage(ticketId: number, partial?: Partial<GorgiasMessage>): GorgiasMessage;
  updateTicket(id: number, patch: Partial<GorgiasTicket>): GorgiasTicket;
  /** UI "Delete": sets trashed_datetime, records ticket-trashed; the ticket stays listed and readable. */
  trashTicket(id: number): GorgiasTicket;
  /** Takes a ticket out of the trash, records ticket-untrashed. */
  restoreTicket(id: number): GorgiasTicket;
  /** Moves the source's messages (same ids and created_datetime) to the target; the source disappears; records ticket-merged. */
  mergeTickets(sourceId: number, targetId: number): GorgiasTicket;
  /** "Delete forever": 404 and gone from every list; records ticket-deleted unless recordEvent is false. */
  deleteTicket(id: number, o?: { recordEvent?: boolean }): void;
  /** Changes a message (sent/failed/deleted datetimes; 'now' = the change's time); records ticket-message-updated (and -failed). */
  updateMessage(ticketId: number, messageId: number, patch: MessagePatch): GorgiasMessage;
  /** Removes one message from every list; its ticket's messages_count drops; records ticket-message-deleted. */
  deleteMessage(ticketId: number, messageId: number): void;
  /** Changes the account's answers to undocumented behaviours; returns them all. */
  setBehaviour(b: Partial<SimBehaviour>): SimBehaviour;
  behaviour(): SimBehaviour;
  snapshot(): { tickets: GorgiasTicket[]; messages: GorgiasMessage[] };
  stats(): SimAccountStats;
  /** Users, teams, tags, surveys, custom fields, and the ticket changes a history is made of (account-coverage.ts). */
  readonly coverage: SimCoverage;
  /** HTTP integrations registered through the API (what Gorgias would show in Settings). */
  integrations(): HttpIntegration[];
  /** Delivery delay, timeouts, retries, drop and duplicate shares; returns the active config. */
  setWebhookDelivery(c: WebhookDeliveryConfig): Required<Omit<WebhookDeliveryConfig, 'seed'>>;
  /** Every delivery so far (sent, failed, dropped, pending), oldest first. */
  webhookDeliveries(): WebhookDelivery[];
  /** Resolves once no delivery is queued or in flight. */
  webhooksIdle(): Promise<void>;
}

export class Account implements SimAccount {
  readonly subdomain: string;
  status: 'active' | 'inactive';
  eventFilters: boolean;
  readonly createdMs: number;
  readonly bucket: LeakyBucket;
  readonly faults = new FaultInjector();
  readonly store: AccountStore;
  readonly integrationRegistry = new IntegrationRegistry();
  readonly webhooks = new WebhookDispatcher(this.integrationRegistry);
  private readonly keys: KeyRing;
  private readonly ctx: MutationContext;
  readonly coverage: SimCoverage;
  private behaviourState: SimBehaviour;
  private readonly statsData: Omit<SimAccountStats, 'data'> = { requests: 0, byRoute: {}, rateLimited: 0, faults: 0 };

  constructor(o: AddAccountOptions, sim: { rateLimit: RateLimitConfig | false; clockScale: number }) {
    if (!o.subdomain || !/^[a-z0-9][a-z0-9-]*$/i.test(o.subdomain)) throw new Error(`Invalid subdomain: ${o.subdomain}`);
    this.subdomain = o.subdomain;
    this.status = o.status ?? 'active';
    this.eventFilters = o.eventFilters ?? true;
    this.behaviourState = mergeBehaviour(WORST_CASE, o.behaviour);
    this.bucket = new LeakyBucket(sim.rateLimit, sim.clockScale);
    this.createdMs = Date.now() - 800 * DAY;
    this.store = new AccountStore(o.subdomain);
    this.keys = new KeyRing(o.subdomain);
    this.addKey({ apiKey: o.apiKey, email: o.email });
    // One PRNG for the seed and later mutations, so an account's data depends only on its seed and calls.
    const rng = mulberry32((o.seed ?? 1) * 7919 + 17);
    seedAccount(this.store, o, rng);
    // Its own PRNG: the tickets and messages a seed gives stay what they were before these objects existed.
    seedCoverage(this.store, mulberry32((o.seed ?? 1) * 104_729 + 3));
    this.ctx = {
      store: this.store,
      rng,
      behaviour: () => this.behaviourState,
      fire: (trigger, payload) => this.webhooks.fire(trigger, payload),
    };
    this.coverage = coverageFacade(this.ctx);
  }

  // ------------------------------------------------------------------ keys, faults, stats

  addKey(o: KeyOptions): void {
    this.keys.add(o);
  }
  revokeKey(apiKey: string): void {
    this.keys.revoke(apiKey);
  }
  /** The key's permissions when email + key are valid, else null. */
  authenticate(email: string, apiKey: string): KeyGrant | null {
    return this.keys.authenticate(email, apiKey);
  }
  setFaults(f: FaultConfig): void {
    this.faults.set(f ?? {});
  }

  countRequest(route: string): void {
    this.statsData.requests++;
    this.statsData.byRoute[route] = (this.statsData.byRoute[route] ?? 0) + 1;
  }
  countRateLimited(): void {
    this.statsData.rateLimited++;
  }
  countFault(): void {
    this.statsData.faults++;
  }
  stats(): SimAccountStats {
    const hiddenWhenTrashed = !this.behaviourState.trashedTicketMessagesListed;
    let messages = 0;
    let hiddenMessages = 0;
    let trashedWithHiddenMessages = 0;
    for (const rec of this.store.tickets.values()) {
      messages += rec.msgs.length;
      if (hiddenWhenTrashed && rec.t.trashed_datetime && rec.msgs.length) {
        hiddenMessages += rec.msgs.length;
        trashedWithHiddenMessages++;
      }
    }
    const data = {
      tickets: this.store.tickets.size,
      messages,
      listedMessages: messages - hiddenMessages,
      trashedWithHiddenMessages,
      coverage: coverageStats(this.store, this.behaviourState),
    };
    return { ...clone(this.statsData), data };
  }

  accountObject(): Record<string, unknown> {
    return {
      domain: this.subdomain,
      created_datetime: gorgiasDatetime(this.createdMs),
      deactivated_datetime: this.status === 'inactive' ? gorgiasDatetime(this.createdMs + 700 * DAY) : null,
      status: { status: this.status, notification: null },
      meta: {},
      settings: [],
    };
  }

  // ------------------------------------------------------------------ mutations

  createTicket(partial: Partial<GorgiasTicket> = {}): GorgiasTicket {
    return tickets.createTicket(this.ctx, partial);
  }
  updateTicket(id: number, patch: Partial<GorgiasTicket>): GorgiasTicket {
    return tickets.updateTicket(this.ctx, id, patch);
  }
  trashTicket(id: number): GorgiasTicket {
    return tickets.trashTicket(this.ctx, id);
  }
  restoreTicket(id: number): GorgiasTicket {
    return tickets.restoreTicket(this.ctx, id);
  }
  mergeTickets(sourceId: number, targetId: number): GorgiasTicket {
    return tickets.mergeTickets(this.ctx, sourceId, targetId);
  }
  deleteTicket(id: number, o: { recordEvent?: boolean } = {}): void {
    tickets.deleteTicket(this.ctx, id, o);
  }
  addMessage(ticketId: number, partial: Partial<GorgiasMessage> = {}): GorgiasMessage {
    return messages.addMessage(this.ctx, ticketId, partial);
  }
  updateMessage(ticketId: number, messageId: number, patch: MessagePatch): GorgiasMessage {
    return messages.updateMessage(this.ctx, ticketId, messageId, patch);
  }
  deleteMessage(ticketId: number, messageId: number): void {
    messages.deleteMessage(this.ctx, ticketId, messageId);
  }
  setBehaviour(b: Partial<SimBehaviour>): SimBehaviour {
    this.behaviourState = mergeBehaviour(this.behaviourState, b);
    return { ...this.behaviourState };
  }
  behaviour(): SimBehaviour {
    return { ...this.behaviourState };
  }
  snapshot(): { tickets: GorgiasTicket[]; messages: GorgiasMessage[] } {
    return snapshot(this.store);
  }

  // ------------------------------------------------------------------ HTTP integrations (webhooks)

  integrations(): HttpIntegration[] {
    return structuredClone(this.integrationRegistry.all());
  }
  setWebhookDelivery(c: WebhookDeliveryConfig) {
    return this.webhooks.configure(c ?? {});
  }
  webhookDeliveries(): WebhookDelivery[] {
    return this.webhooks.deliveries();
  }
  webhooksIdle(): Promise<void> {
    return this.webhooks.idle();
  }
  /** Stops pending deliveries (the simulator is closing). */
  close(): void {
    this.webhooks.close();
  }
}
