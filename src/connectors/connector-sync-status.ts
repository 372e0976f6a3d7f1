import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { appConfig, AppConfig } from '../config/app.config';
import { ConnectorKey, ConnectorsRepository, SyncFailureRecord } from './connectors.repository';

/**
 * What the sync engine writes on a connector after a run: its health and when it is due again.
 * Apart from ConnectorsService (tenant-scoped, GraphQL errors) because the engine is already
 * authorised by the run it holds and must not depend on the API's service.
 */
@Injectable()
export class ConnectorSyncStatus {
  constructor(
    private readonly connectors: ConnectorsRepository,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {}

  /** A poll succeeded: the connector is healthy (back to ACTIVE if it was in ERROR) and due again after SYNC_POLL_SECONDS (see the repository). */
  recordSyncSuccess(m: EntityManager, c: ConnectorKey): Promise<void> {
    return this.connectors.recordSyncSuccess(m, c, { pollSeconds: this.config.sync.pollSeconds });
  }

  /**
   * A run failed. `needsUser` failures (credentials, permissions, inactive account) put the
   * connector in ERROR until someone acts; others keep it ACTIVE and retry after `retryInMs`.
   * Answers the connector's next scheduled sync (null in ERROR), which the failure's log line names.
   */
  recordSyncFailure(m: EntityManager, c: ConnectorKey, failure: SyncFailureRecord): Promise<Date | null> {
    return this.connectors.recordSyncFailure(m, c, failure);
  }
}
