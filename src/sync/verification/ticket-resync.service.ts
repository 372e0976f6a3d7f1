import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ConnectorCredentials } from '../../connectors/credentials/connector-credentials';
import { RunObserverRegistry } from '../engine/run-observer';
import { PageChangeSet } from '../engine/session/page-changes';
import { HELPDESK_SOURCES, HelpdeskSources } from '../engine/source/helpdesk-source';
import { TicketRefresher } from '../engine/source/ticket-refresher';
import { SyncMode } from '../sync-run.types';

/**
 * "Re-sync this ticket": reads one ticket with its messages from Gorgias now (GET /api/tickets/{id},
 * messages embedded) and stores it the way a webhook refresh does (TicketRefresher: the ticket, its
 * messages, messages it no longer has soft-deleted; a 404 soft-deletes the ticket), in one transaction
 * with the change feed's entry. The caller has checked the connector is the tenant's.
 */
@Injectable()
export class TicketResyncService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly connectors: ConnectorCredentials,
    @Inject(HELPDESK_SOURCES) private readonly sources: HelpdeskSources,
    private readonly refresher: TicketRefresher,
    private readonly observers: RunObserverRegistry,
  ) {}

  /** True when Gorgias has the ticket (now stored as it is there), false when it has none (now deleted here). */
  async resync(scope: { tenantId: string; connectorId: string }, externalId: string): Promise<boolean> {
    const found = await this.connectors.findWithCredentials(scope);
    if (!found) return false;
    const source = this.sources.create(found.credentials, scope);
    const snapshot = await this.refresher.read(source, externalId);
    await this.dataSource.transaction(async (tx) => {
      const changes = new PageChangeSet();
      if (snapshot) await this.refresher.store(tx, scope, snapshot, changes);
      else await this.refresher.storeGone(tx, scope, externalId, changes);
      const ctx = { ...scope, runId: `resync:${externalId}`, mode: SyncMode.REFRESH, trigger: 'RESYNC' };
      await this.observers.pageCommitted(tx, ctx, changes.toPageChanges());
    });
    return snapshot !== null;
  }
}
