import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { appConfig, AppConfig } from '../../config/app.config';
import { PgListener } from '../../database/pg-listener';
import { TICKET_CHANGES_CHANNEL } from './ticket-change.repository';

/** Whom a notification concerns; `null` means "anything may have changed" (the listener reconnected). */
export type FeedWakeup = { tenantId: string; connectorId: string } | null;
export type FeedWakeupHandler = (w: FeedWakeup) => void;

/**
 * One LISTEN connection per instance for the change feed's NOTIFYs (sent at commit by whichever
 * instance wrote), handed to the TicketChangeHub, which routes each to the polls of the tenant it names. A notification only says "look
 * again": subscribers always re-read the feed from their own cursor, so a lost or duplicated
 * notification can delay a delivery but never lose or repeat one. After a reconnect everyone is
 * woken, since notifications sent meanwhile were missed.
 */
@Injectable()
export class TicketChangeWakeups implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(TicketChangeWakeups.name);
  private readonly handlers = new Set<FeedWakeupHandler>();
  private readonly listener: PgListener;

  constructor(@Inject(appConfig.KEY) config: AppConfig) {
    this.listener = new PgListener({
      databaseUrl: config.databaseUrl,
      applicationName: 'cxconnect-feed-listener',
      channels: [TICKET_CHANGES_CHANNEL],
      onNotification: (_channel, payload) => this.dispatch(payload),
      onReconnected: () => this.notify(null),
      logger: this.logger,
    });
  }

  async onModuleInit(): Promise<void> {
    await this.listener.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.listener.stop();
  }

  /** Calls `handler` on every feed notification until the returned function is called. */
  subscribe(handler: FeedWakeupHandler): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
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
