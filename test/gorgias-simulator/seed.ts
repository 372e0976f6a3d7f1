/**
 * Deterministic seed data for one account: the seed fixes ids, subjects, statuses and message counts;
 * timestamps are placed relative to now, over the last ~2 years (see docs/gorgias-api.md, "Data").
 */
import type { GorgiasTicket } from '../../src/gorgias/gorgias.types';
import { gorgiasDatetime } from './datetime';
import { buildMessage, customerRef } from './message-builder';
import { AGENTS, CHANNELS, FIRST, LANGUAGES, LAST, PRIORITIES, SUBJECTS, TAG_NAMES, TEAMS, VIA } from './seed-vocabulary';
import type { AccountStore, MsgRec, TicketRec } from './store';

export const DAY = 86_400_000;

export interface SeedOptions {
  tickets?: number;
  /** Average messages per ticket (default 5). */
  messagesPerTicket?: number;
  /** Exact total number of messages; overrides messagesPerTicket. Must be >= tickets (each ticket has >= 1). */
  messages?: number;
}

function slug(s: string): string {
  const ascii = s
    .normalize('NFKD')
    .replace(/[^\x20-\x7e]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');
  return ascii || 'user';
}

export function seedAccount(store: AccountStore, o: SeedOptions, rng: () => number): void {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];
  const T = Math.max(0, Math.floor(o.tickets ?? 0));
  const M = T === 0 ? 0 : Math.floor(o.messages ?? Math.round(T * (o.messagesPerTicket ?? 5)));
  if (T > 0 && M < T) throw new Error(`messages (${M}) must be >= tickets (${T}): every ticket has at least one message`);
  const now = Date.now();
  const end = now - 60_000;
  const startMs = now - 730 * DAY;

  store.agents.push(
    ...AGENTS.map((a, i) => ({
      id: 1001 + i,
      email: `${a.firstname
        .toLowerCase()
        .normalize('NFKD')
        .replace(/[^a-z]/g, '')}@${store.subdomain}.gorgias.test`,
      name: `${a.firstname} ${a.lastname}`,
      ...a,
    })),
  );
  store.tags.push(...TAG_NAMES.map((name, i) => ({ id: 7001 + i, name })));

  const nCustomers = Math.max(3, Math.ceil(T / 3));
  for (let i = 0; i < nCustomers; i++) {
    const firstname = pick(FIRST);
    const lastname = pick(LAST);
    const id = 5_000_001 + i;
    const email = `${slug(firstname)}.${slug(lastname)}.${id}@example.com`;
    const c = startMs - Math.floor(rng() * 60 * DAY);
    store.customers.push({ id, email, name: `${firstname} ${lastname}`, firstname, lastname, c, obj: {} });
  }
  for (const cu of store.customers) {
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
    store.seen(end);
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
    const id = store.nextTicketId++;
    const c = created[i];
    const n = counts[i];
    const channel = pick(CHANNELS);
    const customer = pick(store.customers);
    const agent = rng() < 0.85 ? pick(store.agents) : null;
    const orderNo = String(1000 + Math.floor(rng() * 90000));
    const subject = pick(SUBJECTS).replace('%N', orderNo);
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
      const m = buildMessage(store.subdomain, pick, {
        id: 0, // assigned after global sort
        ticketId: id,
        channel,
        fromAgent,
        internal,
        customer,
        agent: agent ?? store.agents[0],
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
      const tg = pick(store.tags);
      if (!tags.some((x) => x.id === tg.id)) tags.push({ ...tg });
    }
    const firstText = rec.msgs[0].m.body_text ?? '';
    const t: GorgiasTicket = {
      id,
      uri: `/api/tickets/${id}/`,
      external_id: rng() < 0.1 ? `ext-${id}` : null,
      language: pick(LANGUAGES),
      status: closed ? 'closed' : 'open',
      priority: pick(PRIORITIES),
      channel,
      via: VIA[channel],
      from_agent: false,
      customer: customerRef(customer),
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
    store.seen(updated);
    store.tickets.set(id, rec);
  }
  // Message ids increase with created_datetime across the account.
  allMsgs.sort((a, b) => a.c - b.c || a.m.ticket_id - b.m.ticket_id);
  for (const mr of allMsgs) {
    const mid = store.nextMessageId++;
    mr.m.id = mid;
    mr.m.uri = `/api/tickets/${mr.m.ticket_id}/messages/${mid}/`;
    mr.m.message_id = `<${mid}.${mr.m.ticket_id}@mail.gorgias.test>`;
    // The reference allows `attachments: null`; a share of messages without attachments say so that way.
    if (!mr.m.attachments?.length && mid % 4 === 0) (mr.m as { attachments: unknown }).attachments = null;
    store.seen(mr.c);
  }
  store.setMessageIndex(allMsgs);
}
