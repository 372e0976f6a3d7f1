import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ConnectorEntity } from './entities/connector.entity';

export interface ConnectorLifecycleListener {
  /** Inside the activation's transaction: the sync engine enqueues the initial run here. */
  activated?(manager: EntityManager, connector: ConnectorEntity): Promise<void>;
  /** Inside the pause's transaction: queued runs are cancelled, a running one stops at its next page. */
  paused?(manager: EntityManager, connector: ConnectorEntity): Promise<void>;
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
}
