import { Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { PageChanges, RunContext, RunObserver, RunObserverRegistry } from '../../sync/engine/run-observer';
import { RecordedChange, TicketChangeRepository } from './ticket-change.repository';

/**
 * Puts the tickets whose API-visible state a transaction changed at the end of the change feed, in
 * that same transaction (so the feed row commits or rolls back with the change). A run observer:
 * every page of every sync, and every single-ticket refresh, reports its changes here.
 */
@Injectable()
export class TicketChangeRecorder implements RunObserver, OnModuleInit {
  constructor(
    private readonly repository: TicketChangeRepository,
    private readonly observers: RunObserverRegistry,
  ) {}

  onModuleInit(): void {
    this.observers.register(this);
  }

  async onPageCommitted(tx: EntityManager, ctx: RunContext, changes: PageChanges): Promise<void> {
    await this.record(tx, ctx, changes.ticketExternalIds);
  }

  record(
    tx: EntityManager,
    scope: { tenantId: string; connectorId: string },
    ticketExternalIds: readonly string[],
  ): Promise<RecordedChange[]> {
    return this.repository.record(tx, scope, ticketExternalIds);
  }
}
