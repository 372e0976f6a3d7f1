/**
 * One simulated Gorgias account: its data (deterministic seed), its API keys, its rate-limit bucket and
 * faults, and the list/lookup logic the HTTP layer serves (keyset cursor pagination).
 */
import { randomUUID } from 'node:crypto';
import type { GorgiasCustomerRef, GorgiasEvent, GorgiasMessage, GorgiasTicket } from '../../src/gorgias/gorgias.types';
import { FaultConfig, FaultInjector, mulberry32 } from './faults';
import { LeakyBucket, RateLimitConfig } from './rate-limiter';

export type Scope = 'account:read' | 'tickets:read' | 'messages:read' | 'events:read';
export const ALL_SCOPES: Scope[] = ['account:read', 'tickets:read', 'messages:read', 'events:read'];

export interface AddAccountOptions {
  subdomain: string;
  email: string;
  apiKey: string;
  seed?: number;
  tickets?: number;
  /** Average messages per ticket (default 5). */
  messagesPerTicket?: number;
  /** Exact total number of messages; overrides messagesPerTicket. Must be >= tickets (each ticket has >= 1). */
  messages?: number;
  status?: 'active' | 'inactive';
  /**
   * Whether /api/events accepts the `types` and `created_datetime[...]` filters (default true). They are
   * not in the public reference: false answers 400 to them, as the real API may.
   */
  eventFilters?: boolean;
}

export interface SimAccountStats {
  requests: number;
  byRoute: Record<string, number>;
  /** 429s served. */
  rateLimited: number;
  /** Failures injected (error, cut, truncate); slow answers are not counted. */
  faults: number;
}

export interface SimAccount {
  subdomain: string;
  addKey(o: { apiKey: string; email: string; scopes?: Scope[] }): void;
  revokeKey(apiKey: string): void;
  setFaults(f: FaultConfig): void;
  createTicket(partial?: Partial<GorgiasTicket>): GorgiasTicket;
  addMessage(ticketId: number, partial?: Partial<GorgiasMessage>): GorgiasMessage;
  updateTicket(id: number, patch: Partial<GorgiasTicket>): GorgiasTicket;
  trashTicket(id: number): GorgiasTicket;
  deleteTicket(id: number, o?: { recordEvent?: boolean }): void;
  /** Removes one message from every list; its ticket's messages_count drops and updated_datetime moves. */
  deleteMessage(ticketId: number, messageId: number): void;
  snapshot(): { tickets: GorgiasTicket[]; messages: GorgiasMessage[] };
  stats(): SimAccountStats;
}

/** 2026-01-02T03:04:05.678000+00:00: what the API returns (microseconds, explicit UTC offset). */
export function gorgiasDatetime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '000+00:00');
}

// ---------------------------------------------------------------------------------------------------------
// Cursors: opaque base64url JSON of { r: resource, o: order_by, d: 'n'|'p', k: sort key (ms), i: id }.

export interface Cursor {
  r: string;
  o: string;
  d: 'n' | 'p';
  k: number;
  i: number;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    msg: string,
    readonly data?: unknown,
  ) {
    super(msg);
  }
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

export function decodeCursor(raw: string, resource: string, order: string): Cursor {
  let c: any;
  try {
    if (!/^[A-Za-z0-9_-]+={0,2}$/.test(raw)) throw new Error('charset');
    c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw new ApiError(400, 'Invalid cursor.', { cursor: ['Invalid cursor.'] });
  }
  if (
    !c ||
    typeof c !== 'object' ||
    c.r !== resource ||
    (c.d !== 'n' && c.d !== 'p') ||
    typeof c.k !== 'number' ||
    !Number.isFinite(c.k) ||
    typeof c.i !== 'number' ||
    !Number.isInteger(c.i)
  ) {
    throw new ApiError(400, 'Invalid cursor.', { cursor: ['Invalid cursor.'] });
  }
  if (c.o !== order) throw new ApiError(400, 'The cursor does not match the order_by parameter.', { cursor: ['Invalid cursor.'] });
  return c as Cursor;
}

export interface PageResult<T> {
  data: T[];
  next_cursor: string | null;
  prev_cursor: string | null;
}

/**
 * Keyset pagination over `asc` (sorted ascending by (key, id)), listed in `desc` or ascending order.
 * A cursor carries the (key, id) of the item it was made from, so inserts and moves elsewhere in the
 * list never shift unchanged items across a page boundary.
 */
export function keysetPage<T>(
  asc: T[],
  key: (x: T) => number,
  id: (x: T) => number,
  opts: { desc: boolean; limit: number; cursor: Cursor | null; resource: string; order: string },
): PageResult<T> {
  const n = asc.length;
  const cmp = (x: T, k: number, i: number) => (key(x) - k || id(x) - i);
  const lowerBound = (pred: (x: T) => boolean) => {
    // first index where pred is true (pred monotone false..true)
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (pred(asc[mid])) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  let start: number; // list positions [start, end)
  let end: number;
  const { cursor, limit, desc } = opts;
  if (!cursor) {
    start = 0;
    end = Math.min(n, limit);
  } else {
    const countLT = lowerBound((x) => cmp(x, cursor.k, cursor.i) >= 0);
    const countLE = lowerBound((x) => cmp(x, cursor.k, cursor.i) > 0);
    if (cursor.d === 'n') {
      start = desc ? n - countLT : countLE;
      end = Math.min(n, start + limit);
    } else {
      end = desc ? n - countLE : countLT;
      start = Math.max(0, end - limit);
    }
  }
  const data: T[] = [];
  for (let j = start; j < end; j++) data.push(asc[desc ? n - 1 - j : j]);
  const mk = (d: 'n' | 'p', x: T) => encodeCursor({ r: opts.resource, o: opts.order, d, k: key(x), i: id(x) });
  return {
    data,
    next_cursor: data.length && end < n ? mk('n', data[data.length - 1]) : null,
    prev_cursor: data.length && start > 0 ? mk('p', data[0]) : null,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Seed vocabulary

const FIRST = ['Alice', 'Bob', 'Chloé', 'Dmitri', 'Émilie', 'François', 'Grace', 'Hiroshi', 'Ingrid', 'José', 'Kateřina', 'Liam', 'Møller', 'Nadia', 'Olúwa', 'Priya', 'Quentin', 'Renée', 'Søren', 'Tomás', 'Uma', 'Václav', 'Wei', 'Xóchitl', 'Yūki', 'Zoë', '李', 'Олег', 'محمد', 'Ζωή'];
const LAST = ['Anderson', 'Brontë', 'Çelik', 'Dupont', 'Eriksson', 'Fernández', 'García', 'Hoffmann', 'Ibáñez', "O'Brien", 'Jürgens', 'Kowalski', 'Lefèvre', 'Müller', 'Nguyễn', 'Okafor', 'Petrov', 'Quiñones', 'Rossi', 'Sørensen', 'Takahashi', 'Ünal', 'Van der Berg', 'Wiśniewski', '明', 'Иванова', 'الحسن', 'Παπαδόπουλος'];
const AGENTS = [
  { firstname: 'Sam', lastname: 'Support' },
  { firstname: 'Ava', lastname: 'Agent' },
  { firstname: 'Noé', lastname: 'Helpdesk' },
  { firstname: 'Kim', lastname: 'Care' },
  { firstname: 'Lou', lastname: 'Service' },
];
const TEAMS = ['Tier 1', 'Tier 2', 'Billing', 'Returns'];
const TAG_NAMES = ['refund', 'shipping', 'urgent', 'vip', 'damaged', 'order-status', 'exchange', 'billing', 'feedback', 'bug', 'wholesale', 'réclamation'];
const PRIORITIES = ['low', 'normal', 'normal', 'normal', 'high', 'critical'];
const CHANNELS = ['email', 'email', 'email', 'chat', 'chat', 'phone', 'sms', 'facebook', 'instagram-direct-message', 'api', 'contact_form'];
const VIA: Record<string, string> = {
  email: 'email',
  chat: 'gorgias_chat',
  phone: 'phone',
  sms: 'sms',
  facebook: 'facebook',
  'instagram-direct-message': 'instagram',
  api: 'api',
  contact_form: 'contact_form',
};
const SOURCE_TYPE: Record<string, string> = {
  email: 'email',
  chat: 'chat',
  phone: 'phone',
  sms: 'sms',
  facebook: 'facebook-message',
  'instagram-direct-message': 'instagram-direct-message',
  api: 'api',
  contact_form: 'contact_form',
};
const LANGUAGES = ['en', 'en', 'en', 'fr', 'de', 'es', null];
const SUBJECTS = [
  'Where is my order #%N?',
  'Refund request for order %N',
  'Wrong size received 👕',
  'Colis endommagé — besoin d’aide',
  'Question about "Premium" plan',
  'Can I change my address? 🏠',
  'Discount code <SPRING20> not working',
  'Produkt defekt: Rücksendung',
  '¿Dónde está mi pedido?',
  'Thanks!!! 🙏🎉',
  'Invoice & receipt for %N',
  'Cancel my subscription',
  'Re: Re: Fwd: tracking number',
  '注文について',
  'Item arrived late 😞',
  "Can't log in to my account",
];
const CUSTOMER_LINES = [
  'Hi, I ordered %N last week and it still has not arrived. Could you check?',
  'The package arrived damaged, the box was crushed. What can you do?',
  "I'd like to return this item, it doesn't fit. How do I proceed?",
  'Bonjour, je n’ai toujours pas reçu ma commande. Merci de vérifier 🙏',
  'My promo code <SPRING20> is rejected at checkout & I am annoyed.',
  'Can you send me the invoice for order %N please?',
  'Thank you so much, that solved it! 😊',
  '¿Pueden ayudarme con el cambio de talla?',
];
const AGENT_LINES = [
  'Hello %F, thanks for reaching out! I checked order %N and it is on its way.',
  'Sorry to hear that, %F. I have issued a full refund; you will see it in 3-5 days.',
  'Hi %F, here is your return label. Let us know if you need anything else.',
  'Bonjour %F, votre colis est en cours de livraison. Bonne journée !',
  'I have applied the discount manually, %F. Your new total is $42.00.',
  'Thanks %F, I am closing this ticket. Have a great day! 🌟',
];

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function slug(s: string): string {
  const ascii = s
    .normalize('NFKD')
    .replace(/[^\x20-\x7e]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');
  return ascii || 'user';
}

// ---------------------------------------------------------------------------------------------------------

interface TicketRec {
  t: GorgiasTicket;
  c: number;
  u: number;
  msgs: MsgRec[];
}
interface MsgRec {
  m: GorgiasMessage;
  c: number;
}
interface Customer {
  id: number;
  email: string;
  name: string;
  firstname: string;
  lastname: string;
  c: number;
  obj: Record<string, unknown>;
}
interface EventRec {
  e: GorgiasEvent;
  c: number;
}
interface KeyRec {
  email: string;
  scopes: Set<Scope>;
  revoked: boolean;
}

const DAY = 86_400_000;
const clone = <T>(x: T): T => structuredClone(x);

export class Account implements SimAccount {
  readonly subdomain: string;
  status: 'active' | 'inactive';
  eventFilters: boolean;
  readonly createdMs: number;
  readonly bucket: LeakyBucket;
  readonly faults = new FaultInjector();
  private readonly keys = new Map<string, KeyRec>();
  private readonly tickets = new Map<number, TicketRec>();
  private readonly customers: Customer[] = [];
  private readonly agents: { id: number; email: string; name: string; firstname: string; lastname: string }[] = [];
  private readonly tags: { id: number; name: string }[] = [];
  private readonly events: EventRec[] = [];
  private nextTicketId = 10_000_001;
  private nextMessageId = 100_000_001;
  private nextEventId = 900_000_001;
  private lastStamp = 0;
  private rng: () => number;
  private sortedByCreated: TicketRec[] | null = null;
  private sortedByUpdated: TicketRec[] | null = null;
  private sortedMessages: MsgRec[] | null = null;
  private readonly statsData: SimAccountStats = { requests: 0, byRoute: {}, rateLimited: 0, faults: 0 };

  constructor(o: AddAccountOptions, sim: { rateLimit: RateLimitConfig | false; clockScale: number }) {
    if (!o.subdomain || !/^[a-z0-9][a-z0-9-]*$/i.test(o.subdomain)) throw new Error(`Invalid subdomain: ${o.subdomain}`);
    this.subdomain = o.subdomain;
    this.status = o.status ?? 'active';
    this.eventFilters = o.eventFilters ?? true;
    this.bucket = new LeakyBucket(sim.rateLimit, sim.clockScale);
    this.rng = mulberry32((o.seed ?? 1) * 7919 + 17);
    this.createdMs = Date.now() - 800 * DAY;
    this.addKey({ apiKey: o.apiKey, email: o.email });
    this.seed(o);
  }

  // ------------------------------------------------------------------ keys & auth

  addKey(o: { apiKey: string; email: string; scopes?: Scope[] }): void {
    for (const s of o.scopes ?? []) if (!ALL_SCOPES.includes(s)) throw new Error(`Unknown scope ${s}`);
    this.keys.set(o.apiKey, { email: o.email, scopes: new Set(o.scopes ?? ALL_SCOPES), revoked: false });
  }

  revokeKey(apiKey: string): void {
    const k = this.keys.get(apiKey);
    if (!k) throw new Error(`Unknown API key for ${this.subdomain}`);
    k.revoked = true;
  }

  /** The key's scopes when email + key are valid, else null. */
  authenticate(email: string, apiKey: string): Set<Scope> | null {
    const k = this.keys.get(apiKey);
    if (!k || k.revoked || k.email.toLowerCase() !== email.toLowerCase()) return null;
    return k.scopes;
  }

  setFaults(f: FaultConfig): void {
    this.faults.set(f ?? {});
  }

  // ------------------------------------------------------------------ stats

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
    return clone(this.statsData);
  }

  // ------------------------------------------------------------------ clock

  /** A timestamp strictly greater than any existing one in the account. */
  private stamp(): number {
    this.lastStamp = Math.max(Date.now(), this.lastStamp + 1);
    return this.lastStamp;
  }
  private seen(ms: number): void {
    if (ms > this.lastStamp) this.lastStamp = ms;
  }
  private dirty(): void {
    this.sortedByCreated = null;
    this.sortedByUpdated = null;
  }

  // ------------------------------------------------------------------ seeding

  private pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.rng() * xs.length)];
  }

  private seed(o: AddAccountOptions): void {
    const rng = this.rng;
    const T = Math.max(0, Math.floor(o.tickets ?? 0));
    const M = T === 0 ? 0 : Math.floor(o.messages ?? Math.round(T * (o.messagesPerTicket ?? 5)));
    if (T > 0 && M < T) throw new Error(`messages (${M}) must be >= tickets (${T}): every ticket has at least one message`);
    const now = Date.now();
    const end = now - 60_000;
    const startMs = now - 730 * DAY;

    this.agents.push(
      ...AGENTS.map((a, i) => ({
        id: 1001 + i,
        email: `${a.firstname.toLowerCase().normalize('NFKD').replace(/[^a-z]/g, '')}@${this.subdomain}.gorgias.test`,
        name: `${a.firstname} ${a.lastname}`,
        ...a,
      })),
    );
    this.tags.push(...TAG_NAMES.map((name, i) => ({ id: 7001 + i, name })));

    const nCustomers = Math.max(3, Math.ceil(T / 3));
    for (let i = 0; i < nCustomers; i++) {
      const firstname = this.pick(FIRST);
      const lastname = this.pick(LAST);
      const id = 5_000_001 + i;
      const email = `${slug(firstname)}.${slug(lastname)}.${id}@example.com`;
      const c = startMs - Math.floor(rng() * 60 * DAY);
      this.customers.push({ id, email, name: `${firstname} ${lastname}`, firstname, lastname, c, obj: {} });
    }
    for (const cu of this.customers) {
      cu.obj = {
        id: cu.id,
        external_id: null,
        active: true,
        email: cu.email,
        name: cu.name,
        firstname: cu.firstname,
        lastname: cu.lastname,
        language: null,
        timezone: null,
        note: null,
        channels: [{ id: cu.id * 10, type: 'email', address: cu.email, preferred: true }],
        meta: {},
        data: null,
        created_datetime: gorgiasDatetime(cu.c),
        updated_datetime: gorgiasDatetime(cu.c),
      };
    }

    if (T === 0) {
      this.seen(end);
      return;
    }

    // Exact message distribution: one each, the rest by exponential weights, remainder one by one.
    const counts = new Array<number>(T).fill(1);
    let rest = M - T;
    if (rest > 0) {
      const w = new Array<number>(T);
      let sum = 0;
      for (let i = 0; i < T; i++) sum += w[i] = -Math.log(1 - rng() * 0.999999);
      let given = 0;
      for (let i = 0; i < T; i++) {
        const extra = Math.floor((w[i] / sum) * rest);
        counts[i] += extra;
        given += extra;
      }
      rest -= given;
      while (rest-- > 0) counts[Math.floor(rng() * T)]++;
    }

    // Ticket creation times, sorted so ids increase with created_datetime.
    const created = new Array<number>(T);
    for (let i = 0; i < T; i++) created[i] = startMs + Math.floor(rng() * (end - DAY - startMs));
    created.sort((a, b) => a - b);

    const nLarge = M >= 20 ? Math.max(1, Math.round(M / 20_000)) : 0;
    const largeAt = new Set<number>();
    while (largeAt.size < nLarge) largeAt.add(Math.floor(rng() * M));

    const allMsgs: MsgRec[] = [];
    let msgIndex = 0;
    for (let i = 0; i < T; i++) {
      const id = this.nextTicketId++;
      const c = created[i];
      const n = counts[i];
      const channel = this.pick(CHANNELS);
      const customer = this.pick(this.customers);
      const agent = rng() < 0.85 ? this.pick(this.agents) : null;
      const orderNo = String(1000 + Math.floor(rng() * 90000));
      const subject = this.pick(SUBJECTS).replace('%N', orderNo);
      // message times: first at creation, the rest spread over up to ~12 days (never after `end`)
      const span = Math.min(end - c, Math.floor(rng() * 12 * DAY) + n * 60_000);
      const times: number[] = [c];
      for (let k = 1; k < n; k++) times.push(c + 1 + Math.floor(rng() * span));
      times.sort((a, b) => a - b);
      for (let k = 1; k < n; k++) if (times[k] <= times[k - 1]) times[k] = times[k - 1] + 1;
      const rec: TicketRec = { t: null as unknown as GorgiasTicket, c, u: c, msgs: [] };
      let lastReceived: number | null = null;
      let opened: number | null = null;
      for (let k = 0; k < n; k++) {
        const fromAgent = k % 2 === 1;
        const internal = fromAgent && rng() < 0.08;
        const m = this.buildMessage({
          id: 0, // assigned after global sort
          ticketId: id,
          channel,
          fromAgent,
          internal,
          customer,
          agent: agent ?? this.agents[0],
          subject: k === 0 ? subject : `Re: ${subject}`,
          orderNo,
          created: times[k],
          large: largeAt.has(msgIndex++),
          withAttachment: rng() < 0.12,
        });
        if (!fromAgent) lastReceived = times[k];
        else if (opened === null) opened = times[k];
        const mr: MsgRec = { m, c: times[k] };
        rec.msgs.push(mr);
        allMsgs.push(mr);
      }
      const last = times[n - 1];
      const closed = rng() < 0.6;
      let updated = Math.min(end, last + Math.floor(rng() * DAY));
      const trashed = rng() < 0.015;
      const tagCount = Math.floor(rng() * 4);
      const tags: { id: number; name: string }[] = [];
      for (let k = 0; k < tagCount; k++) {
        const tg = this.pick(this.tags);
        if (!tags.some((x) => x.id === tg.id)) tags.push({ ...tg });
      }
      const firstText = rec.msgs[0].m.body_text ?? '';
      const t: GorgiasTicket = {
        id,
        uri: `/api/tickets/${id}/`,
        external_id: rng() < 0.1 ? `ext-${id}` : null,
        language: this.pick(LANGUAGES),
        status: closed ? 'closed' : 'open',
        priority: this.pick(PRIORITIES),
        channel,
        via: VIA[channel],
        from_agent: false,
        customer: this.customerRef(customer),
        assignee_user: agent ? { ...agent, meta: null, bio: null } : null,
        assignee_team: rng() < 0.3 ? { id: 3001 + Math.floor(rng() * TEAMS.length), name: '' } : null,
        subject,
        excerpt: firstText.slice(0, 100),
        integrations: [],
        meta: null,
        tags,
        messages_count: n,
        is_unread: false,
        spam: false,
        created_datetime: gorgiasDatetime(c),
        opened_datetime: opened === null ? null : gorgiasDatetime(opened),
        last_received_message_datetime: lastReceived === null ? null : gorgiasDatetime(lastReceived),
        last_message_datetime: gorgiasDatetime(last),
        updated_datetime: '',
        closed_datetime: null,
        snooze_datetime: null,
        trashed_datetime: null,
      };
      if (t.assignee_team) (t.assignee_team as { id: number; name?: string }).name = TEAMS[(t.assignee_team as { id: number }).id - 3001];
      if (closed) t.closed_datetime = gorgiasDatetime(updated);
      if (trashed) {
        updated = Math.min(end, updated + 1000);
        t.trashed_datetime = gorgiasDatetime(updated);
      }
      t.updated_datetime = gorgiasDatetime(updated);
      rec.t = t;
      rec.u = updated;
      this.seen(updated);
      this.tickets.set(id, rec);
    }
    // Message ids increase with created_datetime across the account.
    allMsgs.sort((a, b) => a.c - b.c || a.m.ticket_id - b.m.ticket_id);
    for (const mr of allMsgs) {
      const mid = this.nextMessageId++;
      mr.m.id = mid;
      mr.m.uri = `/api/tickets/${mr.m.ticket_id}/messages/${mid}/`;
      mr.m.message_id = `<${mid}.${mr.m.ticket_id}@mail.gorgias.test>`;
      this.seen(mr.c);
    }
    this.sortedMessages = allMsgs;
  }

  private customerRef(c: Customer): GorgiasCustomerRef {
    return { id: c.id, email: c.email, name: c.name, firstname: c.firstname, lastname: c.lastname };
  }

  private buildMessage(p: {
    id: number;
    ticketId: number;
    channel: string;
    fromAgent: boolean;
    internal: boolean;
    customer: Customer;
    agent: { id: number; email: string; name: string; firstname: string; lastname: string };
    subject: string;
    orderNo: string;
    created: number;
    large: boolean;
    withAttachment: boolean;
  }): GorgiasMessage {
    const cust = { id: p.customer.id, email: p.customer.email, name: p.customer.name, firstname: p.customer.firstname, lastname: p.customer.lastname };
    const ag = { id: p.agent.id, email: p.agent.email, name: p.agent.name, firstname: p.agent.firstname, lastname: p.agent.lastname };
    const sender = p.fromAgent ? ag : cust;
    const receiver = p.fromAgent ? cust : ag;
    let text = (p.fromAgent ? this.pick(AGENT_LINES) : this.pick(CUSTOMER_LINES)).replace('%N', p.orderNo).replace('%F', p.customer.firstname);
    if (p.internal) text = `Internal note: customer ${p.customer.name} seems upset, handle with care.`;
    let html = `<div><p>${escapeHtml(text)}</p></div>`;
    if (p.large) {
      const para = `Log line for order ${p.orderNo}: status=ok, scanned at depot, "quoted" <tag> & ünïcödé ✓. `;
      const reps = Math.ceil(200_000 / Buffer.byteLength(para));
      text = `${text}\n${para.repeat(reps)}`;
      html = `<div><p>${escapeHtml(text.slice(0, 200))}</p><pre>${escapeHtml(para.repeat(reps))}</pre></div>`;
    }
    const signature = p.fromAgent ? `\n\n--\n${p.agent.name}, ${this.subdomain} support` : '';
    const sourceType = p.internal ? 'internal-note' : SOURCE_TYPE[p.channel] ?? 'api';
    return {
      id: p.id,
      uri: '',
      message_id: null,
      ticket_id: p.ticketId,
      external_id: null,
      public: !p.internal,
      channel: p.internal ? 'internal-note' : p.channel,
      via: p.fromAgent ? 'helpdesk' : VIA[p.channel] ?? 'api',
      source: {
        type: sourceType,
        from: { name: sender.name, address: sender.email },
        to: [{ name: receiver.name, address: receiver.email }],
        cc: [],
        bcc: [],
      },
      sender,
      receiver: p.internal ? null : receiver,
      integration_id: null,
      rule_id: null,
      from_agent: p.fromAgent,
      subject: p.subject,
      body_text: text + signature,
      body_html: html + (signature ? `<div class="gorgias_signature">${escapeHtml(signature.trim())}</div>` : ''),
      stripped_text: text,
      stripped_html: html,
      stripped_signature: signature.trim() || null,
      attachments: p.withAttachment
        ? [
            {
              url: `https://uploads.gorgias.test/${this.subdomain}/${p.ticketId}/photo-${p.created}.jpg`,
              name: `photo ${p.orderNo}.jpg`,
              size: 20_000 + (p.created % 500_000),
              content_type: 'image/jpeg',
              public: true,
              extra: null,
            },
          ]
        : [],
      actions: null,
      macros: [],
      meta: null,
      headers: null,
      created_datetime: gorgiasDatetime(p.created),
      sent_datetime: gorgiasDatetime(p.created),
      opened_datetime: null,
      failed_datetime: null,
      deleted_datetime: null,
      last_sending_error: null,
    };
  }

  // ------------------------------------------------------------------ mutations

  private live(id: number): TicketRec {
    const rec = this.tickets.get(Number(id));
    if (!rec) throw new ApiError(404, `Ticket ${id} not found`);
    return rec;
  }

  private recordEvent(type: string, objectType: string, objectId: number, at: number): void {
    const e: GorgiasEvent = {
      id: this.nextEventId++,
      uri: '',
      context: randomUUID(),
      created_datetime: gorgiasDatetime(at),
      data: null,
      object_id: objectId,
      object_type: objectType,
      type,
      user_id: null,
    };
    e.uri = `/api/events/${e.id}/`;
    this.events.push({ e, c: at });
  }

  createTicket(partial: Partial<GorgiasTicket> = {}): GorgiasTicket {
    const now = this.stamp();
    const id = this.nextTicketId++;
    const cust = this.customers[Math.floor(this.rng() * this.customers.length)];
    const t: GorgiasTicket = {
      id,
      uri: `/api/tickets/${id}/`,
      external_id: null,
      language: null,
      status: 'open',
      priority: 'normal',
      channel: 'api',
      via: 'api',
      from_agent: false,
      customer: this.customerRef(cust),
      assignee_user: null,
      assignee_team: null,
      subject: 'New ticket',
      excerpt: '',
      integrations: [],
      meta: null,
      tags: [],
      messages_count: 0,
      is_unread: true,
      spam: false,
      opened_datetime: null,
      last_received_message_datetime: null,
      last_message_datetime: null,
      closed_datetime: null,
      snooze_datetime: null,
      trashed_datetime: null,
      ...clone(partial),
      created_datetime: gorgiasDatetime(now),
      updated_datetime: gorgiasDatetime(now),
    };
    t.id = id;
    t.uri = `/api/tickets/${id}/`;
    t.messages_count = 0;
    if (t.status === 'closed' && !t.closed_datetime) t.closed_datetime = t.updated_datetime;
    this.tickets.set(id, { t, c: now, u: now, msgs: [] });
    this.dirty();
    this.recordEvent('ticket-created', 'Ticket', id, now);
    return clone(t);
  }

  addMessage(ticketId: number, partial: Partial<GorgiasMessage> = {}): GorgiasMessage {
    const rec = this.live(ticketId);
    const now = this.stamp();
    const id = this.nextMessageId++;
    const fromAgent = partial.from_agent ?? rec.msgs.length % 2 === 1;
    const custId = rec.t.customer?.id;
    const customer = this.customers.find((c) => c.id === custId) ?? this.customers[0];
    const base = this.buildMessage({
      id,
      ticketId: rec.t.id,
      channel: rec.t.channel ?? 'api',
      fromAgent,
      internal: false,
      customer,
      agent: this.agents[0],
      subject: rec.t.subject ?? '',
      orderNo: String(id % 100000),
      created: now,
      large: false,
      withAttachment: false,
    });
    const m: GorgiasMessage = { ...base, ...clone(partial) };
    m.id = id;
    m.ticket_id = rec.t.id;
    m.uri = `/api/tickets/${rec.t.id}/messages/${id}/`;
    if (!m.message_id) m.message_id = `<${id}.${rec.t.id}@mail.gorgias.test>`;
    m.created_datetime = gorgiasDatetime(now);
    if (partial.body_text !== undefined && partial.stripped_text === undefined) m.stripped_text = partial.body_text;
    if (partial.body_text !== undefined && partial.body_html === undefined) m.body_html = `<div>${escapeHtml(String(partial.body_text ?? ''))}</div>`;
    const mr: MsgRec = { m, c: now };
    rec.msgs.push(mr);
    if (this.sortedMessages) this.sortedMessages.push(mr); // `now` is the largest timestamp: stays sorted
    const t = rec.t;
    t.messages_count = rec.msgs.length;
    t.last_message_datetime = m.created_datetime;
    if (!m.from_agent) t.last_received_message_datetime = m.created_datetime;
    if (!t.excerpt) t.excerpt = String(m.body_text ?? '').slice(0, 100);
    t.updated_datetime = m.created_datetime;
    rec.u = now;
    this.dirty();
    this.recordEvent('ticket-message-created', 'TicketMessage', id, now);
    return clone(m);
  }

  updateTicket(id: number, patch: Partial<GorgiasTicket>): GorgiasTicket {
    const rec = this.live(id);
    const now = this.stamp();
    const { id: _i, created_datetime: _c, updated_datetime: _u, messages_count: _m, ...rest } = clone(patch);
    Object.assign(rec.t, rest);
    rec.t.updated_datetime = gorgiasDatetime(now);
    if (patch.status === 'closed' && patch.closed_datetime === undefined) rec.t.closed_datetime = rec.t.updated_datetime;
    if (patch.status === 'open' && patch.closed_datetime === undefined) rec.t.closed_datetime = null;
    rec.u = now;
    this.dirty();
    this.recordEvent('ticket-updated', 'Ticket', rec.t.id, now);
    if (patch.status === 'closed') this.recordEvent('ticket-closed', 'Ticket', rec.t.id, now);
    return clone(rec.t);
  }

  trashTicket(id: number): GorgiasTicket {
    const rec = this.live(id);
    const now = this.stamp();
    rec.t.trashed_datetime = gorgiasDatetime(now);
    rec.t.updated_datetime = rec.t.trashed_datetime;
    rec.u = now;
    this.dirty();
    this.recordEvent('ticket-updated', 'Ticket', rec.t.id, now);
    return clone(rec.t);
  }

  deleteTicket(id: number, o: { recordEvent?: boolean } = {}): void {
    const rec = this.live(id);
    this.tickets.delete(rec.t.id);
    if (this.sortedMessages && rec.msgs.length) {
      const gone = new Set(rec.msgs);
      this.sortedMessages = this.sortedMessages.filter((m) => !gone.has(m));
    }
    this.dirty();
    const now = this.stamp();
    if (o.recordEvent !== false) this.recordEvent('ticket-deleted', 'Ticket', rec.t.id, now);
  }

  deleteMessage(ticketId: number, messageId: number): void {
    const rec = this.live(ticketId);
    const gone = rec.msgs.find((r) => r.m.id === Number(messageId));
    if (!gone) throw new ApiError(404, `Message ${messageId} not found`);
    rec.msgs = rec.msgs.filter((r) => r !== gone);
    if (this.sortedMessages) this.sortedMessages = this.sortedMessages.filter((r) => r !== gone);
    const now = this.stamp();
    rec.t.messages_count = rec.msgs.length;
    rec.t.updated_datetime = gorgiasDatetime(now);
    rec.u = now;
    this.dirty();
    this.recordEvent('ticket-updated', 'Ticket', rec.t.id, now);
  }

  snapshot(): { tickets: GorgiasTicket[]; messages: GorgiasMessage[] } {
    const tickets = [...this.byCreated()].reverse();
    const messages = [...this.messagesSorted()].reverse();
    return { tickets: tickets.map((r) => clone(r.t)), messages: messages.map((r) => clone(r.m)) };
  }

  // ------------------------------------------------------------------ reads (used by the HTTP layer)

  private byCreated(): TicketRec[] {
    if (!this.sortedByCreated) this.sortedByCreated = [...this.tickets.values()].sort((a, b) => a.c - b.c || a.t.id - b.t.id);
    return this.sortedByCreated;
  }
  private byUpdated(): TicketRec[] {
    if (!this.sortedByUpdated) this.sortedByUpdated = [...this.tickets.values()].sort((a, b) => a.u - b.u || a.t.id - b.t.id);
    return this.sortedByUpdated;
  }
  private messagesSorted(): MsgRec[] {
    if (!this.sortedMessages) {
      const all: MsgRec[] = [];
      for (const r of this.tickets.values()) all.push(...r.msgs);
      this.sortedMessages = all.sort((a, b) => a.c - b.c || a.m.id - b.m.id);
    }
    return this.sortedMessages;
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

  getTicket(id: number): GorgiasTicket {
    const rec = this.live(id);
    // The Ticket object documents `messages` ("Messages of the ticket"); retrieve embeds them, lists do not.
    return { ...clone(rec.t), messages: [...rec.msgs].sort((a, b) => a.c - b.c || a.m.id - b.m.id).map((m) => clone(m.m)) };
  }

  listTickets(q: { order: string; limit: number; cursor: string | null; customerId?: number; externalId?: string; trashed?: boolean; ticketIds?: number[] }): PageResult<GorgiasTicket> {
    const [field, dir] = q.order.split(':');
    let recs = field === 'updated_datetime' ? this.byUpdated() : this.byCreated();
    if (q.customerId !== undefined || q.externalId !== undefined || q.trashed === false || q.ticketIds) {
      const ids = q.ticketIds ? new Set(q.ticketIds) : null;
      recs = recs.filter(
        (r) =>
          (q.customerId === undefined || r.t.customer?.id === q.customerId) &&
          (q.externalId === undefined || r.t.external_id === q.externalId) &&
          (q.trashed !== false || !r.t.trashed_datetime) &&
          (!ids || ids.has(r.t.id)),
      );
    }
    const cursor = q.cursor === null ? null : decodeCursor(q.cursor, 'tickets', q.order);
    const page = keysetPage(recs, field === 'updated_datetime' ? (r) => r.u : (r) => r.c, (r) => r.t.id, {
      desc: dir === 'desc',
      limit: q.limit,
      cursor,
      resource: 'tickets',
      order: q.order,
    });
    return { ...page, data: page.data.map((r) => clone(r.t)) };
  }

  listMessages(q: { order: string; limit: number; cursor: string | null; ticketId?: number; requireTicket?: boolean }): PageResult<GorgiasMessage> {
    let recs: MsgRec[];
    const resource = q.ticketId === undefined ? 'messages' : `messages:${q.ticketId}`;
    if (q.ticketId !== undefined) {
      const t = this.tickets.get(q.ticketId);
      if (!t && q.requireTicket) throw new ApiError(404, `Ticket ${q.ticketId} not found`);
      recs = t ? [...t.msgs].sort((a, b) => a.c - b.c || a.m.id - b.m.id) : [];
    } else recs = this.messagesSorted();
    const cursor = q.cursor === null ? null : decodeCursor(q.cursor, resource, q.order);
    const page = keysetPage(recs, (r) => r.c, (r) => r.m.id, { desc: q.order.endsWith(':desc'), limit: q.limit, cursor, resource, order: q.order });
    return { ...page, data: page.data.map((r) => clone(r.m)) };
  }

  listEvents(q: {
    order: string;
    limit: number;
    cursor: string | null;
    types?: string[];
    objectType?: string;
    objectId?: number;
    gte?: number;
    gt?: number;
    lte?: number;
    lt?: number;
  }): PageResult<GorgiasEvent> {
    const recs = this.events.filter(
      (r) =>
        (!q.types || q.types.includes(r.e.type)) &&
        (q.objectType === undefined || r.e.object_type === q.objectType) &&
        (q.objectId === undefined || r.e.object_id === q.objectId) &&
        (q.gte === undefined || r.c >= q.gte) &&
        (q.gt === undefined || r.c > q.gt) &&
        (q.lte === undefined || r.c <= q.lte) &&
        (q.lt === undefined || r.c < q.lt),
    );
    const cursor = q.cursor === null ? null : decodeCursor(q.cursor, 'events', q.order);
    const page = keysetPage(recs, (r) => r.c, (r) => r.e.id, { desc: q.order.endsWith(':desc'), limit: q.limit, cursor, resource: 'events', order: q.order });
    return { ...page, data: page.data.map((r) => clone(r.e)) };
  }

  listCustomers(q: { order: string; limit: number; cursor: string | null; email?: string }): PageResult<Record<string, unknown>> {
    let recs = [...this.customers].sort((a, b) => a.c - b.c || a.id - b.id);
    if (q.email !== undefined) recs = recs.filter((c) => c.email.toLowerCase() === q.email!.toLowerCase());
    const cursor = q.cursor === null ? null : decodeCursor(q.cursor, 'customers', q.order);
    const page = keysetPage(recs, (r) => r.c, (r) => r.id, { desc: q.order.endsWith(':desc'), limit: q.limit, cursor, resource: 'customers', order: q.order });
    return { ...page, data: page.data.map((r) => clone(r.obj)) };
  }
}
