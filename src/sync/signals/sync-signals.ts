import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { PubSub } from 'graphql-subscriptions';
import { EventEmitter } from 'node:events';
import { EntityManager } from 'typeorm';
import { appConfig, AppConfig } from '../../config/app.config';
import { PgListener } from '../../database/pg-listener';
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

/**
 * Progress and wake-ups between gateway instances over PostgreSQL LISTEN/NOTIFY: the instance that
 * runs a sync publishes, every instance receives, and each fans out to its own subscribers.
 * Nothing but the database is shared, so any instance may die at any moment. Named for both jobs
 * (it was SyncProgressBus, though the schedulers' wake-ups travel on it too).
 */
@Injectable()
export class SyncSignals implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SyncSignals.name);
  private readonly local = new LocalPubSub({ eventEmitter: listenersUncapped() });
  private readonly wakeupHandlers: ((payload: string) => void)[] = [];
  private readonly listener: PgListener;

  constructor(
    private readonly notifications: SyncNotifyRepository,
    @Inject(appConfig.KEY) config: AppConfig,
  ) {
    // Missed progress is superseded by the next update; missed wake-ups by the scheduler's tick.
    this.listener = new PgListener({
      databaseUrl: config.databaseUrl,
      applicationName: 'cxconnect-listener',
      channels: [PROGRESS_CHANNEL, WAKEUP_CHANNEL],
      onNotification: (channel, payload) => this.dispatch(channel, payload),
      logger: this.logger,
    });
  }

  async onModuleInit(): Promise<void> {
    await this.listener.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.listener.stop();
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

/**
 * One connector's progress may have many live subscribers (portal tabs, services), each a listener on its
 * topic: Node's warning at 11 would be noise. Sockets per address and subscriptions per socket are capped
 * (GraphqlWsServer), and a completed subscription removes its listener at once.
 */
function listenersUncapped(): EventEmitter {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return emitter;
}

/** graphql-subscriptions' PubSub, telling how many listen on a topic. */
class LocalPubSub extends PubSub {
  listenerCount(name: string): number {
    return this.ee.listenerCount(name);
  }
}

const topic = (connectorId: string) => `syncProgress:${connectorId}`;
