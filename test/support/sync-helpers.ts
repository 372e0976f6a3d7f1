import { Client } from 'pg';
import type { TestApp } from './test-app';

export const CREATE_CONNECTOR = `mutation($input: CreateGorgiasConnectorInput!) { createGorgiasConnector(input: $input) { id } }`;
export const ACTIVATE = `mutation($id: ID!) { activateConnector(id: $id) { id status latestRun { id } } }`;
export const TRIGGER = `mutation($id: ID!, $mode: SyncMode) { triggerSync(connectorId: $id, mode: $mode) { id status mode } }`;
export const RUNS = `query($id: ID!) { syncRuns(connectorId: $id, first: 50) { totalCount nodes { id status mode phase percent ticketsSynced messagesSynced ticketsRead messagesRead changed ticketsDeleted apiRequests rateLimitWaits error startedAt finishedAt } } }`;

export async function createAndActivate(t: TestApp, token: string, input: Record<string, unknown>): Promise<string> {
  const created = await t.gql(CREATE_CONNECTOR, { input }, token);
  if (created.errors) throw new Error(JSON.stringify(created.errors));
  const id = created.data.createGorgiasConnector.id;
  const activated = await t.gql(ACTIVATE, { id }, token);
  if (activated.errors) throw new Error(JSON.stringify(activated.errors));
  return id;
}

/** Polls until the run `runId` (or the latest run) has ended; returns it. */
export async function waitForRun(t: TestApp, token: string, connectorId: string, runId?: string, timeoutMs = 120_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await t.gql(RUNS, { id: connectorId }, token);
    const runs = res.data?.syncRuns.nodes ?? [];
    const run = runId ? runs.find((r: any) => r.id === runId) : runs[0];
    if (run && ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(run.status)) return run;
    if (Date.now() > deadline) throw new Error(`run did not finish in time: ${JSON.stringify(run)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Polls until the connector's latest run has stored at least `messages` messages (a point mid-sync). */
export async function waitForMessagesSynced(
  t: TestApp,
  token: string,
  connectorId: string,
  messages: number,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = (await t.gql(RUNS, { id: connectorId }, token)).data?.syncRuns.nodes[0];
    if (run?.messagesSynced >= messages) return;
    if (Date.now() > deadline) throw new Error(`no progress to ${messages} messages: ${JSON.stringify(run)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function withDb<T>(url: string, fn: (db: Client) => Promise<T>): Promise<T> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    return await fn(db);
  } finally {
    await db.end();
  }
}

const iso = (v: unknown) => (v == null ? null : new Date(v as string).toISOString());

/** What we stored for a connector, in the simulator's terms, for exact comparison. */
export async function storedData(url: string, connectorId: string) {
  return withDb(url, async (db) => {
    const tickets = await db.query(
      `SELECT external_id::text AS id, status, subject, priority, channel, customer_email, tags, messages_count,
              updated_at, created_at, closed_at, trashed_at, deleted_at, payload
         FROM tickets WHERE connector_id = $1 ORDER BY external_id`,
      [connectorId],
    );
    const messages = await db.query(
      `SELECT external_id::text AS id, ticket_external_id::text AS ticket_id, body_text, body_html, sender_email, from_agent,
              public, created_at, attachments, payload
         FROM messages m WHERE connector_id = $1 AND deleted_at IS NULL
          -- a deleted ticket's messages are gone from Gorgias; we keep them under the soft-deleted ticket
          -- (joined on the tenant too: on Citus a join must follow the distribution column)
          AND NOT EXISTS (SELECT 1 FROM tickets t WHERE t.tenant_id = m.tenant_id AND t.connector_id = m.connector_id
                             AND t.external_id = m.ticket_external_id AND t.deleted_at IS NOT NULL)
        ORDER BY external_id`,
      [connectorId],
    );
    const dupes = await db.query(
      `SELECT (SELECT count(*) - count(DISTINCT external_id) FROM tickets WHERE connector_id = $1)::int AS tickets,
              (SELECT count(*) - count(DISTINCT external_id) FROM messages WHERE connector_id = $1)::int AS messages`,
      [connectorId],
    );
    return { tickets: tickets.rows, messages: messages.rows, duplicates: dupes.rows[0] };
  });
}

/**
 * Compares what Gorgias (the simulator) has with what we stored, field by field. Returns a list of
 * differences (empty when exact). Deleted tickets must be soft-deleted here.
 */
export function diffAgainstGorgias(
  gorgias: { tickets: any[]; messages: any[]; deletedTicketIds?: (number | string)[] },
  stored: Awaited<ReturnType<typeof storedData>>,
): string[] {
  const diffs: string[] = [];
  const byId = new Map(stored.tickets.map((t: any) => [t.id, t]));
  const live = stored.tickets.filter((t: any) => !t.deleted_at);
  if (live.length !== gorgias.tickets.length) diffs.push(`tickets: gorgias ${gorgias.tickets.length}, stored live ${live.length}`);
  for (const g of gorgias.tickets) {
    const s: any = byId.get(String(g.id));
    if (!s) {
      diffs.push(`ticket ${g.id} missing`);
      continue;
    }
    const expect: [string, unknown, unknown][] = [
      ['status', g.status, s.status],
      ['subject', g.subject ?? null, s.subject],
      ['priority', g.priority ?? null, s.priority],
      ['channel', g.channel ?? null, s.channel],
      ['customer.email', g.customer?.email ?? null, s.customer_email],
      ['tags', (g.tags ?? []).map((x: any) => x.name), s.tags],
      ['messages_count', g.messages_count, s.messages_count],
      ['updated_datetime', iso(g.updated_datetime), iso(s.updated_at)],
      ['created_datetime', iso(g.created_datetime), iso(s.created_at)],
      ['closed_datetime', iso(g.closed_datetime), iso(s.closed_at)],
      ['trashed_datetime', iso(g.trashed_datetime), iso(s.trashed_at)],
      ['deleted', null, s.deleted_at && !g.trashed_datetime ? 'deleted' : null],
    ];
    for (const [field, want, got] of expect) {
      if (JSON.stringify(want) !== JSON.stringify(got))
        diffs.push(`ticket ${g.id} ${field}: gorgias ${JSON.stringify(want)}, stored ${JSON.stringify(got)}`);
    }
  }
  for (const id of gorgias.deletedTicketIds ?? []) {
    const s: any = byId.get(String(id));
    if (s && !s.deleted_at) diffs.push(`ticket ${id} was deleted in Gorgias but is not marked deleted`);
  }
  const msgs = new Map(stored.messages.map((m: any) => [m.id, m]));
  if (stored.messages.length !== gorgias.messages.length)
    diffs.push(`messages: gorgias ${gorgias.messages.length}, stored ${stored.messages.length}`);
  for (const g of gorgias.messages) {
    const s: any = msgs.get(String(g.id));
    if (!s) {
      diffs.push(`message ${g.id} missing`);
      continue;
    }
    const expect: [string, unknown, unknown][] = [
      ['ticket_id', String(g.ticket_id), s.ticket_id],
      ['body_text', g.body_text ?? null, s.body_text],
      ['body_html', g.body_html ?? null, s.body_html],
      ['sender.email', g.sender?.email ?? null, s.sender_email],
      ['from_agent', !!g.from_agent, s.from_agent],
      ['created_datetime', iso(g.created_datetime), iso(s.created_at)],
      ['attachments', (g.attachments ?? []).length, (s.attachments ?? []).length],
    ];
    for (const [field, want, got] of expect) {
      if (JSON.stringify(want) !== JSON.stringify(got))
        diffs.push(`message ${g.id} ${field}: gorgias ${JSON.stringify(want)?.slice(0, 80)}, stored ${JSON.stringify(got)?.slice(0, 80)}`);
    }
  }
  if (stored.duplicates.tickets || stored.duplicates.messages) diffs.push(`duplicates: ${JSON.stringify(stored.duplicates)}`);
  return diffs.slice(0, 30);
}
