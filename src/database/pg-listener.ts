import { Logger } from '@nestjs/common';
import { Client } from 'pg';

/** Pause before a lost LISTEN connection is opened again. */
const RECONNECT_DELAY_MS = 1_000;

export interface PgListenerOptions {
  databaseUrl: string;
  /** Shown in pg_stat_activity, so an operator can tell the listeners apart. */
  applicationName: string;
  channels: string[];
  onNotification: (channel: string, payload: string | undefined) => void;
  /** After a reconnect: notifications sent while the connection was down were missed. */
  onReconnected?: () => void;
  logger: Logger;
}

/**
 * One dedicated LISTEN connection (a pooled connection cannot hold LISTEN), reopened whenever it is
 * lost. NOTIFY is a hint between instances, never the record: whoever listens re-reads the database,
 * so a notification lost while reconnecting only delays work.
 */
export class PgListener {
  private client?: Client;
  private closed = false;

  constructor(private readonly options: PgListenerOptions) {}

  async start(): Promise<void> {
    const { databaseUrl, applicationName, channels, onNotification, logger } = this.options;
    const client = new Client({ connectionString: databaseUrl, application_name: applicationName });
    client.on('notification', (n) => onNotification(n.channel, n.payload));
    client.on('error', (err) => {
      logger.warn(`listener connection lost (${err.message}); reconnecting`);
      this.reconnect();
    });
    await client.connect();
    for (const channel of channels) await client.query(`LISTEN ${channel}`);
    this.client = client;
  }

  async stop(): Promise<void> {
    this.closed = true;
    // Shutting down: a listener connection that fails to close cleanly is dropped with the process anyway.
    await this.client?.end().catch(() => undefined);
  }

  private reconnect(): void {
    if (this.closed) return;
    // The old connection is already broken (that is why we reconnect); its close error says nothing new.
    this.client?.end().catch(() => undefined);
    this.client = undefined;
    setTimeout(() => {
      if (this.closed) return;
      this.start().then(
        () => this.options.onReconnected?.(),
        () => this.reconnect(),
      );
    }, RECONNECT_DELAY_MS).unref();
  }
}
