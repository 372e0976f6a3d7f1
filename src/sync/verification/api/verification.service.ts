import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../../../auth/auth-user';
import { badUserInput } from '../../../common/graphql-errors';
import { ConnectorsService } from '../../../connectors/connectors.service';
import { TicketsService } from '../../../tickets/queries/tickets.service';
import { TicketRow } from '../../../tickets/model/ticket.table';
import { SyncVerificationRepository } from '../../repositories/sync-verification.repository';
import { TicketResyncService } from '../ticket-resync.service';
import { VerificationScheduler } from '../verification.scheduler';
import { VerificationRow } from '../verification.types';

/** What the API asks of verification: start, read, cancel; and re-sync one ticket. Tenant-scoped through ConnectorsService. */
@Injectable()
export class VerificationService {
  constructor(
    private readonly verifications: SyncVerificationRepository,
    private readonly connectors: ConnectorsService,
    private readonly scheduler: VerificationScheduler,
    private readonly resyncs: TicketResyncService,
    private readonly tickets: TicketsService,
  ) {}

  /** Queues a verification (or returns the one queued or running) and lets this instance's scheduler claim it now. */
  async verify(
    user: AuthUser,
    connectorId: string,
    window: { from?: Date | null; to?: Date | null; repair: boolean },
  ): Promise<VerificationRow> {
    const from = window.from ?? null;
    const to = window.to ?? null;
    if (from && to && from.getTime() > to.getTime()) throw badUserInput('from must not be after to', 'from');
    const connector = await this.connectors.get(user, connectorId);
    const { row, created } = await this.verifications.enqueue(
      { tenantId: connector.tenantId, connectorId: connector.id },
      { repair: window.repair, from, to, trigger: 'MANUAL' },
    );
    if (created) void this.scheduler.tick();
    return row;
  }

  async find(user: AuthUser, id: string): Promise<VerificationRow | null> {
    return this.verifications.findById(user.tenantId, id);
  }

  async list(user: AuthUser, connectorId: string, first: number, after?: { createdAt: string; id: string }) {
    const connector = await this.connectors.get(user, connectorId);
    return this.verifications.listPage({ tenantId: connector.tenantId, connectorId: connector.id }, first, after);
  }

  async cancel(user: AuthUser, connectorId: string): Promise<VerificationRow | null> {
    const connector = await this.connectors.get(user, connectorId);
    return this.verifications.cancelActive({ tenantId: connector.tenantId, connectorId: connector.id });
  }

  /** The ticket as stored after re-reading it; null when Gorgias has no such ticket (it is now deleted here). */
  async resyncTicket(user: AuthUser, connectorId: string, externalId: string): Promise<TicketRow | null> {
    const connector = await this.connectors.get(user, connectorId);
    const exists = await this.resyncs.resync({ tenantId: connector.tenantId, connectorId: connector.id }, externalId);
    if (!exists) return null;
    return this.tickets.findByExternalId(user, connector.id, externalId);
  }
}
