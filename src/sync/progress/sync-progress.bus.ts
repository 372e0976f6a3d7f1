import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { PubSub } from 'graphql-subscriptions';
import { Client } from 'pg';
import { EntityManager } from 'typeorm';
import { appConfig, AppConfig } from '../../config/app.config';
import { SyncNotifyRepository } from '../repositories/sync-notify.repository';
import { PROGRESS_CHANNEL, WAKEUP_CHANNEL } from '../sync.constants';

export interface SyncProgressEvent {
  connectorId: string;
  tenantId: string;
  runId: string;
  status: string;
  phase: string;
  ticketsSynced: number;
  messagesSynced: number;
  ticketsTotal: number | null;
  percent: number | null;
  at: string;
}

const RECONNECT_DELAY_MS = 1_000;

/**
 * Progress and wake-ups between gateway instances over PostgreSQL LISTEN/NOTIFY: the instance that
 * runs a sync publishes, every instance receives, and each fans out to its own subscribers.
 * Nothing but the database is shared, so any instance may die at any moment.
 */
@Injectable()
export class SyncProgressBus implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SyncProgressBus.name);
  private readonly local = new LocalPubSub();
  private readonly wakeupHandlers: ((payload: string) => void)[] = [];
  private client?: Client;
  private closed = false;

  constructor(
    private readonly notifications: SyncNotifyRepository,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.listen();
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    // Shutting down: a listener connection that fails to close cleanly is dropped with the process anyway.
    await this.client?.end().catch(() => undefined);
  }

  private async listen(): Promise<void> {
    const client = new Client({ connectionString: this.config.databaseUrl, application_name: 'cxconnect-listener' });
    client.on('notification', (n) => this.dispatch(n.channel, n.payload));
    client.on('error', (err) => {
      this.logger.warn(`listener connection lost (${err.message}); reconnecting`);
      this.reconnect();
    });
    await client.connect();
    await client.query(`LISTEN ${PROGRESS_CHANNEL}`);
    await client.query(`LISTEN ${WAKEUP_CHANNEL}`);
    this.client = client;
  }

  private reconnect(): void {
    if (this.closed) return;
    // The old connection is already broken (that is why we reconnect); its close error says nothing new.
    this.client?.end().catch(() => undefined);
    this.client = undefined;
    setTimeout(() => {
      if (this.closed) return;
      this.listen().catch(() => this.reconnect());
    }, RECONNECT_DELAY_MS).unref();
  }

  private dispatch(channel: string, payload?: string): void {
    if (channel === WAKEUP_CHANNEL) {
      this.wakeupHandlers.forEach((h) => h(payload ?? ''));
      return;
    }
    if (channel !== PROGRESS_CHANNEL || !payload) return;
    try {
      const event = JSON.parse(payload) as SyncProgressEvent;
      void this.local.publish(topic(event.connectorId), event);
    } catch {
      /* not ours */
    }
  }

  async publish(event: SyncProgressEvent): Promise<void> {
    await this.notifications.notify(PROGRESS_CHANNEL, JSON.stringify(event));
  }

  /**
   * Asks every instance's scheduler (this one's too) to look for work now. Given the transaction
   * that enqueued the run, the wake-up is delivered at its COMMIT, when the run can be claimed.
   */
  async wakeUp(m?: EntityManager): Promise<void> {
    await this.notifications.notify(WAKEUP_CHANNEL, '', m);
  }

  /** `payload`: '' for a run enqueued, REFRESH_WAKEUP_PAYLOAD for a webhook recorded (its run is due after the coalescing window). */
  onWakeUp(handler: (payload: string) => void): void {
    this.wakeupHandlers.push(handler);
  }

  subscribe(connectorId: string): AsyncIterableIterator<SyncProgressEvent> {
    return this.local.asyncIterableIterator<SyncProgressEvent>(topic(connectorId));
  }

  /** Subscribers of a connector's progress in this instance (for tests and metrics). */
  subscriberCount(connectorId: string): number {
    return this.local.listenerCount(topic(connectorId));
  }
}

/** graphql-subscriptions' PubSub, telling how many listen on a topic. */
class LocalPubSub extends PubSub {
  listenerCount(name: string): number {
    return this.ee.listenerCount(name);
  }
}

const topic = (connectorId: string) => `syncProgress:${connectorId}`;
