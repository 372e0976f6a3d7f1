import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Client as WsClient } from 'graphql-ws';
import { DataSource } from 'typeorm';
import { compareFeedPositions, FeedPosition } from '../../../src/tickets/changes/ticket-change-cursor';
import { TicketChangeRecorder } from '../../../src/tickets/changes/ticket-change.recorder';
import { TicketChangesService } from '../../../src/tickets/changes/ticket-changes.service';
import { positionOf, seedConnector, sleep, WrittenVersion, writeTicketVersion } from '../../support/feed-helpers';
import { randomTenant, startTestApp, TestApp } from '../../support/test-app';
import { wsClient } from '../../support/ws-client';

/**
 * The change feed's guarantee under load. Writers on their own connections commit and roll back
 * overlapping tickets of several connectors (two tenants) with random delays, while consumers, through
 * either of two gateway instances, read from random cursors (queries, random page sizes) or subscribe
 * and keep disconnecting and resuming from the last change they processed. Each consumer must get every committed change after its
 * starting point exactly once (a ticket changed again before being read is delivered at its latest
 * version), never a rolled-back one, in an order consistent with the commits.
 */

const PAGE = `query($c: ID, $after: String, $first: Int) {
  ticketChanges(connectorId: $c, after: $after, first: $first) {
    pageInfo { hasNextPage endCursor } nodes { cursor ticket { connectorId externalId subject messagesCount } }
  }
}`;
const NOW = `query($c: ID) { ticketChangesCursor(connectorId: $c) }`;
const SUB = `subscription($c: ID, $after: String) { ticketChanges(connectorId: $c, after: $after) { cursor ticket { connectorId externalId subject messagesCount } } }`;

interface Committed extends WrittenVersion {
  connectorId: string;
  tenantId: string;
  beganAt: number;
  committedAt: number;
}

interface Delivery {
  cursor: string;
  connectorId: string;
  externalId: string;
  subject: string;
  version: number;
}

interface Consumer {
  name: string;
  tenantId: string;
  connectorId?: string;
  start?: FeedPosition;
  deliveries: Delivery[];
}

/** After the writers stop, consumers have this long to catch up; whatever they still lack then was skipped. */
const DRAIN_MS = 15_000;
const rnd = (n: number) => Math.floor(Math.random() * n);
const pick = <T>(xs: T[]) => xs[rnd(xs.length)];
const key = (connectorId: string, externalId: string) => `${connectorId}:${externalId}`;

describe('ticket change feed under concurrent writers', () => {
  let t: TestApp;
  /** A second gateway instance on the same database: consumers use either, at random. */
  let t2: TestApp;
  let writerDs: DataSource;
  let recorder: TicketChangeRecorder;
  /** Fresh tenants and connectors for each test: a consumer reading from the start sees only that test's writes. */
  let connectors: { id: string; tenantId: string }[] = [];
  let run = 0;
  const TICKETS_PER_CONNECTOR = 12;

  beforeAll(async () => {
    t = await startTestApp();
    t2 = await startTestApp({ databaseUrl: t.databaseUrl });
    for (const app of [t, t2])
      app.app.get(TicketChangesService).streamTimings = { pageSize: 100, pendingPollMs: 20, maxPendingPollMs: 100, idlePollMs: 1_000 };
    recorder = t.app.get(TicketChangeRecorder);
    writerDs = new DataSource({ type: 'postgres', url: t.databaseUrl, extra: { max: 8 } });
    await writerDs.initialize();
  });
  beforeEach(async () => {
    const tenants = [randomTenant('feedA'), randomTenant('feedB')];
    connectors = [
      { id: randomUUID(), tenantId: tenants[0] },
      { id: randomUUID(), tenantId: tenants[0] },
      { id: randomUUID(), tenantId: tenants[1] },
    ];
    for (const c of connectors) await seedConnector(writerDs, c.id, c.tenantId);
  });
  afterAll(async () => {
    await writerDs?.destroy();
    await t2?.close();
    await t?.close();
  });

  /**
   * Lets the writers run at least 6 s and until they committed 250 changes and rolled back 15 (behaviour, not
   * time: on a loaded machine or a cluster they write fewer per second); 60 s at most, then the counts fail.
   */
  async function enoughWritten(w: { committed: unknown[]; rolledBack: Set<string> }): Promise<void> {
    const started = Date.now();
    while (Date.now() - started < 6_000 || w.committed.length < 250 || w.rolledBack.size < 15) {
      if (Date.now() - started > 60_000) return;
      await sleep(200);
    }
  }

  /** Runs `writers` concurrent writer loops until `stop()`; returns what committed and what rolled back. */
  function startWriters(writers: number) {
    const committed: Committed[] = [];
    const rolledBack = new Set<string>();
    let running = true;
    let attempt = 0;
    const prefix = `r${++run}w`;
    const loop = async () => {
      while (running) {
        const c = pick(connectors);
        // One to three tickets per transaction, in id order (as the sync writes a page).
        const ids = [...new Set(Array.from({ length: 1 + rnd(3) }, () => String(1 + rnd(TICKETS_PER_CONNECTOR))))].sort(
          (a, b) => Number(a) - Number(b),
        );
        const rollback = Math.random() < 0.2;
        const tokens = ids.map(() => `${prefix}${++attempt}`);
        const beganAt = performance.now();
        const written: WrittenVersion[] = [];
        try {
          await writerDs.transaction(async (m) => {
            await sleep(rnd(15));
            for (let i = 0; i < ids.length; i++) {
              written.push(await writeTicketVersion(m, recorder, { tenantId: c.tenantId, connectorId: c.id }, ids[i], tokens[i]));
              if (Math.random() < 0.3) await sleep(rnd(20));
            }
            // Now and then a transaction stays open a while: later ones commit first, out of position order.
            await sleep(Math.random() < 0.1 ? 100 + rnd(200) : rnd(10));
            if (rollback) throw new Error('rollback');
          });
          const committedAt = performance.now();
          for (const w of written) committed.push({ ...w, connectorId: c.id, tenantId: c.tenantId, beganAt, committedAt });
        } catch (e) {
          if ((e as Error).message !== 'rollback') throw e;
          tokens.forEach((tok) => rolledBack.add(tok));
        }
      }
    };
    // A transaction that writes nothing to the feed but holds the horizon back now and then.
    const holder = async () => {
      while (running) {
        await writerDs.transaction(async (m) => {
          await m.query('SELECT pg_current_xact_id()');
          await sleep(50 + rnd(250));
        });
        await sleep(rnd(200));
      }
    };
    const done = Promise.all([...Array.from({ length: writers }, loop), holder()]);
    return {
      committed,
      rolledBack,
      stop: async () => {
        running = false;
        await done;
      },
    };
  }

  /** The checks every consumer must pass, given everything that committed. */
  function verify(consumer: Consumer, committed: Committed[], rolledBack: Set<string>) {
    const inScope = (w: { connectorId: string; tenantId?: string }) =>
      consumer.connectorId
        ? w.connectorId === consumer.connectorId
        : connectors.find((c) => c.id === w.connectorId)!.tenantId === consumer.tenantId;
    const byToken = new Map(committed.map((w) => [w.token, w]));
    const seen = new Set<string>();
    const latest = new Map<string, number>();
    let previous: FeedPosition | undefined;
    let maxBeganBefore = -Infinity;
    for (const d of consumer.deliveries) {
      const where = `${consumer.name}: ${d.subject} (ticket ${d.externalId} v${d.version})`;
      expect({ where, rolledBack: rolledBack.has(d.subject) }).toEqual({ where, rolledBack: false });
      const w = byToken.get(d.subject);
      expect({ where, committed: !!w }).toEqual({ where, committed: true });
      expect({ where, inScope: inScope(w!), version: d.version }).toEqual({ where, inScope: true, version: w!.version });
      const position = positionOf(d.cursor, consumer.tenantId);
      // Its cursor is the position the write was given, which lies after the consumer's start...
      expect({ where, position }).toEqual({ where, position: w!.position });
      if (consumer.start)
        expect({ where, afterStart: compareFeedPositions(position, consumer.start) > 0 }).toEqual({ where, afterStart: true });
      // ...and after the previous delivery: strictly increasing, so nothing comes twice.
      if (previous) expect({ where, increasing: compareFeedPositions(position, previous) > 0 }).toEqual({ where, increasing: true });
      previous = position;
      const k = `${key(d.connectorId, d.externalId)}#${d.version}`;
      expect({ where, twice: seen.has(k) }).toEqual({ where, twice: false });
      seen.add(k);
      // Order consistent with commits: no earlier delivery began after this one had committed.
      expect({ where, before: maxBeganBefore <= w!.committedAt }).toEqual({ where, before: true });
      maxBeganBefore = Math.max(maxBeganBefore, w!.beganAt);
      latest.set(key(d.connectorId, d.externalId), Math.max(latest.get(key(d.connectorId, d.externalId)) ?? 0, d.version));
    }
    // Nothing skipped: every committed change after the start was delivered, at its version or a later one.
    let expected = 0;
    for (const w of committed) {
      if (!inScope(w) || (consumer.start && compareFeedPositions(w.position, consumer.start) <= 0)) continue;
      expected++;
      const got = latest.get(key(w.connectorId, w.externalId)) ?? 0;
      expect({ consumer: consumer.name, ticket: w.externalId, version: w.version, delivered: got >= w.version }).toEqual({
        consumer: consumer.name,
        ticket: w.externalId,
        version: w.version,
        delivered: true,
      });
    }
    return expected;
  }

  /** A consumer's scope and starting cursor, chosen at random among the ways a client can start. */
  async function randomStart(name: string, others: Consumer[]): Promise<Consumer & { after: string | null }> {
    const c = pick(connectors);
    const scoped = Math.random() < 0.5;
    const token = t.token(c.tenantId, 'reader');
    const variables = { c: scoped ? c.id : undefined };
    const how = rnd(3);
    let after: string | null = null;
    if (how === 1) after = (await t.gql(NOW, variables, token)).data.ticketChangesCursor;
    const candidates = others.flatMap((o) => (o.tenantId === c.tenantId && o.connectorId === variables.c ? o.deliveries : []));
    if (how === 2 && candidates.length) after = pick(candidates).cursor;
    return {
      name: `${name} (${scoped ? 'connector' : 'tenant'}, from ${after ? (how === 1 ? 'now' : 'a cursor') : 'the start'})`,
      tenantId: c.tenantId,
      connectorId: variables.c,
      start: after ? positionOf(after, c.tenantId) : undefined,
      deliveries: [],
      after,
    };
  }

  const toDelivery = (n: any): Delivery => ({
    cursor: n.cursor,
    connectorId: n.ticket.connectorId,
    externalId: n.ticket.externalId,
    subject: n.ticket.subject,
    version: n.ticket.messagesCount,
  });

  /** True once the consumer holds the last committed version of every ticket in its scope past its start. */
  function caughtUp(consumer: Consumer, committed: Committed[]): boolean {
    const last = new Map<string, Committed>();
    for (const w of committed) {
      const inScope = consumer.connectorId ? w.connectorId === consumer.connectorId : w.tenantId === consumer.tenantId;
      if (inScope) last.set(key(w.connectorId, w.externalId), w);
    }
    const got = new Map(consumer.deliveries.map((d) => [key(d.connectorId, d.externalId), d.version]));
    return [...last.values()].every(
      (w) =>
        (consumer.start && compareFeedPositions(w.position, consumer.start) <= 0) ||
        (got.get(key(w.connectorId, w.externalId)) ?? 0) >= w.version,
    );
  }

  it('query readers paging from random cursors get every committed change once, in commit order', async () => {
    const writers = startWriters(6);
    const readers: Consumer[] = [];
    let writing = true;
    let drainDeadline = Infinity;
    const readerLoop = async (i: number) => {
      await sleep(rnd(2_000));
      const r = await randomStart(`reader ${i}`, readers);
      readers.push(r);
      const token = t.token(r.tenantId, 'reader');
      let after = r.after;
      let quietSince = 0;
      for (;;) {
        const res = await pick([t, t2]).gql(PAGE, { c: r.connectorId, after, first: 1 + rnd(100) }, token);
        if (res.errors) throw new Error(JSON.stringify(res.errors));
        const page = res.data.ticketChanges;
        r.deliveries.push(...page.nodes.map(toDelivery));
        after = page.pageInfo.endCursor ?? after;
        if (!writing && !page.nodes.length && (caughtUp(r, writers.committed) || Date.now() > drainDeadline)) {
          if (quietSince++ >= 2) return; // and a few more empty reads: nothing extra may come
        }
        await sleep(rnd(30));
      }
    };
    const reading = Promise.all(Array.from({ length: 6 }, (_, i) => readerLoop(i)));
    await enoughWritten(writers);
    await writers.stop();
    writing = false; // only now is `committed` complete
    drainDeadline = Date.now() + DRAIN_MS;
    await reading;
    expect(writers.rolledBack.size).toBeGreaterThan(10);
    let checked = 0;
    for (const r of readers) checked += verify(r, writers.committed, writers.rolledBack);
    expect(writers.committed.length).toBeGreaterThan(200);
    expect(checked).toBeGreaterThan(200);
  });

  it('subscribers that keep disconnecting and resuming from their last processed cursor miss nothing and get nothing twice', async () => {
    const writers = startWriters(6);
    const subscribers: Consumer[] = [];
    let writing = true;
    let drainDeadline = Infinity;
    let resumes = 0;
    const subscriberLoop = async (i: number) => {
      await sleep(rnd(1_500));
      const s = await randomStart(`subscriber ${i}`, subscribers);
      subscribers.push(s);
      const auth = `Bearer ${t.token(s.tenantId, 'reader')}`;
      let after = s.after;
      for (;;) {
        // One connection: process events until a random point, then drop it (whatever is in flight is lost).
        const budget = 1 + rnd(60);
        const ws: WsClient = wsClient(pick([t, t2]).url, auth);
        const errors: unknown[] = [];
        await new Promise<void>((resolve) => {
          let processed = 0;
          // Once the client decides to drop the connection, it processes nothing more from it.
          let dropped = false;
          const drop = () => {
            dropped = true;
            resolve();
          };
          setTimeout(drop, writing ? 200 + rnd(800) : 1_500);
          ws.subscribe(
            { query: SUB, variables: { c: s.connectorId, after } },
            {
              next: (v) => {
                if (dropped) return;
                if (v.errors) errors.push(...v.errors);
                if (!v.data) return;
                const d = toDelivery(v.data.ticketChanges);
                s.deliveries.push(d);
                after = d.cursor;
                if (++processed >= budget) drop();
              },
              error: (e) => {
                errors.push(e);
                drop();
              },
              complete: drop,
            },
          );
        });
        await ws.dispose();
        expect(errors).toEqual([]);
        resumes++;
        if (!writing && (caughtUp(s, writers.committed) || Date.now() > drainDeadline)) return;
      }
    };
    const subscribing = Promise.all(Array.from({ length: 4 }, (_, i) => subscriberLoop(i)));
    await enoughWritten(writers);
    await writers.stop();
    writing = false; // only now is `committed` complete
    drainDeadline = Date.now() + DRAIN_MS;
    await subscribing;
    let checked = 0;
    for (const s of subscribers) checked += verify(s, writers.committed, writers.rolledBack);
    expect(resumes).toBeGreaterThan(8);
    expect(checked).toBeGreaterThan(200);
  });
});
