import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Client } from 'pg';
import { appConfig, AppConfig } from '../../config/app.config';
import { TICKET_CHANGES_CHANNEL } from './ticket-change.repository';

/** Whom a notification concerns; `null` means "anything may have changed" (the listener reconnected). */
export type FeedWakeup = { tenantId: string; connectorId: string } | null;
export type FeedWakeupHandler = (w: FeedWakeup) => void;

const RECONNECT_DELAY_MS = 1_000;

/**
 * One LISTEN connection per instance for the change feed's NOTIFYs (sent at commit by whichever
 * instance wrote), fanned out to this instance's subscribers. A notification only says "look
 * again": subscribers always re-read the feed from their own cursor, so a lost or duplicated
 * notification can delay a delivery but never lose or repeat one. After a reconnect everyone is
 * woken, since notifications sent meanwhile were missed.
 */
@Injectable()
export class TicketChangeWakeups implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(TicketChangeWakeups.name);
  private readonly handlers = new Set<FeedWakeupHandler>();
  private client?: Client;
  private closed = false;

  constructor(@Inject(appConfig.KEY) private readonly config: AppConfig) {}

  async onModuleInit(): Promise<void> {
    await this.listen();
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    // Already closed or broken: nothing left to release.
    await this.client?.end().catch(() => undefined);
  }

  /** Calls `handler` on every feed notification until the returned function is called. */
  subscribe(handler: FeedWakeupHandler): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  private async listen(): Promise<void> {
    const client = new Client({ connectionString: this.config.databaseUrl, application_name: 'cxconnect-feed-listener' });
    client.on('notification', (n) => this.dispatch(n.payload));
    client.on('error', (err) => {
      this.logger.warn(`feed listener connection lost (${err.message}); reconnecting`);
      this.reconnect();
    });
    await client.connect();
    await client.query(`LISTEN ${TICKET_CHANGES_CHANNEL}`);
    this.client = client;
  }

  private reconnect(): void {
    if (this.closed) return;
    // The broken connection may already be gone; ending it is best effort.
    this.client?.end().catch(() => undefined);
    this.client = undefined;
    setTimeout(() => {
      if (this.closed) return;
      this.listen().then(
        () => this.notify(null),
        () => this.reconnect(),
      );
    }, RECONNECT_DELAY_MS).unref();
  }

  private dispatch(payload: string | undefined): void {
    try {
      const p = JSON.parse(payload ?? '');
      if (typeof p?.t === 'string' && typeof p?.c === 'string') this.notify({ tenantId: p.t, connectorId: p.c });
    } catch {
      // Not a payload of ours: a wake-up is only a hint, nothing is lost by ignoring it.
    }
  }

  private notify(w: FeedWakeup): void {
    for (const h of this.handlers) h(w);
  }
}
