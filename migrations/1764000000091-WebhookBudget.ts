import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 21 / security review M-1: what webhooks may cost a connector. Per connector, a small state
 * row (the scheduler finds due connectors through its partial index instead of aggregating every
 * request; the "walk" marker folds what is over the caps into the next incremental run); ticket ids
 * Gorgias answered 404 for (skipped at the intake for a while); and the PostgreSQL-backed rate
 * counters of the endpoint, shared by every gateway instance.
 */
export class WebhookBudget1764000000091 implements MigrationInterface {
  name = 'WebhookBudget1764000000091';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhook_refresh_state (
        connector_id uuid PRIMARY KEY REFERENCES connectors(id) ON DELETE CASCADE,
        -- set while the connector holds requests or a walk marker (its oldest), NULL otherwise
        due_since timestamptz,
        -- over a cap: the next webhook-triggered run is the connector's incremental walk, which reads everything
        walk_requested_at timestamptz
      )`);
    await q.query(`CREATE INDEX webhook_refresh_state_due_idx ON webhook_refresh_state (due_since) WHERE due_since IS NOT NULL`);
    await q.query(`
      INSERT INTO webhook_refresh_state (connector_id, due_since)
      SELECT connector_id, min(first_received_at) FROM ticket_refresh_requests GROUP BY connector_id`);
    // Ticket ids a refresh answered lately: re-read (a new webhook for it waits a few seconds) or answered
    // 404 (forged, deleted or merged away: webhooks naming it are skipped for an hour).
    await q.query(`
      CREATE TABLE webhook_answered_tickets (
        connector_id uuid NOT NULL REFERENCES connectors(id) ON DELETE CASCADE,
        ticket_external_id bigint NOT NULL,
        not_found boolean NOT NULL,
        until timestamptz NOT NULL,
        PRIMARY KEY (connector_id, ticket_external_id)
      )`);
    await q.query(`CREATE INDEX webhook_answered_tickets_until_idx ON webhook_answered_tickets (until)`);
    // UNLOGGED: counters of the current minute need no crash safety, and are written on every delivery.
    await q.query(`
      CREATE UNLOGGED TABLE webhook_rate_counters (
        scope text NOT NULL,
        subject text NOT NULL,
        window_start timestamptz NOT NULL,
        hits integer NOT NULL,
        PRIMARY KEY (scope, subject, window_start)
      )`);
    await q.query(`CREATE INDEX webhook_rate_counters_window_idx ON webhook_rate_counters (window_start)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS webhook_rate_counters`);
    await q.query(`DROP TABLE IF EXISTS webhook_answered_tickets`);
    await q.query(`DROP TABLE IF EXISTS webhook_refresh_state`);
  }
}
