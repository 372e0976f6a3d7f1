import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ConnectorEntity } from './entities/connector.entity';
import type { WebhookOutcome } from './webhooks/webhook-registration.service';

export interface ConnectorLifecycleListener {
  /** Inside the activation's transaction: the sync engine enqueues the initial run here. */
  activated?(manager: EntityManager, connector: ConnectorEntity): Promise<void>;
  /** Inside the pause's transaction: queued runs are cancelled, a running one stops at its next page. */
  paused?(manager: EntityManager, connector: ConnectorEntity): Promise<void>;
  /** After the activation (or a fix of credentials) committed: outside any transaction (the webhook is registered here). */
  afterActivated?(connector: ConnectorEntity): Promise<void>;
  /** After the pause committed. */
  afterPaused?(connector: ConnectorEntity): Promise<void>;
  /** Before the connector and its data are deleted. */
  beforeDeleted?(connector: ConnectorEntity): Promise<void>;
  /** The connector's webhook was registered, refused, removed...: the sync log says so. */
  webhookChanged?(connector: { id: string; tenantId: string }, outcome: WebhookOutcome): Promise<void>;
}

/**
 * Lets the sync engine react to connector changes without ConnectorsModule depending on it
 * (SyncModule depends on ConnectorsModule, not the other way round).
 */
@Injectable()
export class ConnectorLifecycle {
  private readonly listeners: ConnectorLifecycleListener[] = [];

  register(listener: ConnectorLifecycleListener): void {
    this.listeners.push(listener);
  }

  async activated(manager: EntityManager, connector: ConnectorEntity): Promise<void> {
    for (const l of this.listeners) await l.activated?.(manager, connector);
  }

  async paused(manager: EntityManager, connector: ConnectorEntity): Promise<void> {
    for (const l of this.listeners) await l.paused?.(manager, connector);
  }

  async afterActivated(connector: ConnectorEntity): Promise<void> {
    for (const l of this.listeners) await l.afterActivated?.(connector);
  }

  async afterPaused(connector: ConnectorEntity): Promise<void> {
    for (const l of this.listeners) await l.afterPaused?.(connector);
  }

  async beforeDeleted(connector: ConnectorEntity): Promise<void> {
    for (const l of this.listeners) await l.beforeDeleted?.(connector);
  }

  async webhookChanged(connector: { id: string; tenantId: string }, outcome: WebhookOutcome): Promise<void> {
    for (const l of this.listeners) await l.webhookChanged?.(connector, outcome);
  }
}
