import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { RecordedChange, TicketChangeRepository } from './ticket-change.repository';

/**
 * Puts tickets whose API-visible state a transaction changed at the end of the change feed, in
 * that same transaction (so the feed row commits or rolls back with the change).
 */
@Injectable()
export class TicketChangeRecorder {
  constructor(private readonly repository: TicketChangeRepository) {}

  record(tx: EntityManager, scope: { tenantId: string; connectorId: string }, ticketExternalIds: readonly string[]): Promise<RecordedChange[]> {
    return this.repository.record(tx, scope, ticketExternalIds);
  }
}
