import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { appConfig, AppConfig } from '../../config/app.config';
import { ConnectorCredentials } from '../../connectors/credentials/connector-credentials';
import { LeaseLostError } from '../repositories/lease-lost.error';
import { SyncQuarantineRepository } from '../repositories/sync-quarantine.repository';
import { SyncVerificationRepository } from '../repositories/sync-verification.repository';
import { RunObserverRegistry } from '../engine/run-observer';
import { HELPDESK_SOURCES, HelpdeskSources } from '../engine/source/helpdesk-source';
import { SyncLogService } from '../sync-log.service';
import { CallSpacer } from './call-spacer';
import { MessageVerifier } from './message-verifier';
import { TicketVerifier } from './ticket-verifier';
import { VerificationCancelled, VerificationJob, VerificationServices } from './verification-job';
import { VerificationWindow } from './verification-window';
import { differencesOf, VerificationRow, VerificationStatus } from './verification.types';

/**
 * Executes one claimed verification: credentials → source (paced within VERIFY_BUDGET_SHARE) → the
 * tickets, then the messages, from its checkpoint → how it ended. Every page commits its checkpoint
 * fenced by the claim's token; a verification claimed again after a crash continues where the last
 * committed page left it, with the counts saved with that page.
 */
@Injectable()
export class VerificationExecutor {
  private readonly logger = new Logger(VerificationExecutor.name);
  private readonly services: VerificationServices;

  constructor(
    @InjectDataSource() dataSource: DataSource,
    private readonly verifications: SyncVerificationRepository,
    quarantine: SyncQuarantineRepository,
    observers: RunObserverRegistry,
    private readonly connectors: ConnectorCredentials,
    @Inject(HELPDESK_SOURCES) private readonly sources: HelpdeskSources,
    private readonly tickets: TicketVerifier,
    private readonly messages: MessageVerifier,
    private readonly logs: SyncLogService,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {
    this.services = { dataSource, verifications, quarantine, observers, leaseSeconds: config.sync.leaseSeconds };
  }

  async execute(row: VerificationRow): Promise<void> {
    const token = row.leaseToken;
    if (!token) throw new Error(`verification ${row.id} was not claimed`);
    const claim = { id: row.id, token };
    let found;
    try {
      found = await this.connectors.findWithCredentials(row);
    } catch (e) {
      return this.verifications.finish(claim, VerificationStatus.FAILED, row, row.report, (e as Error).message);
    }
    if (!found) return; // the connector was deleted: its verifications went with it
    const source = this.sources.create(found.credentials, { tenantId: row.tenantId, connectorId: row.connectorId });
    // Below this share of the whole bucket the verification may call; above it, the bucket is the polls' and webhooks'.
    const gate = this.config.verify.budgetShare * this.config.gorgias.budgetShare;
    const spacer = new CallSpacer(gate, () => source.budgetInUse?.());
    const job = new VerificationJob(row, token, source, spacer, this.services);
    const timer = this.keepAlive(claim);
    try {
      const window = new VerificationWindow(row.from, row.to);
      if (!job.checkpoint.stage || job.checkpoint.stage === 'tickets') await this.tickets.run(job, window);
      if (job.checkpoint.stage === 'messages') await this.messages.run(job, window);
      await this.end(job, VerificationStatus.SUCCEEDED, null);
    } catch (e) {
      if (e instanceof LeaseLostError) return; // another claim holds it now and reports its end
      if (e instanceof VerificationCancelled) return this.end(job, VerificationStatus.CANCELLED, null);
      this.logger.warn(`verification ${row.id} failed: ${(e as Error).message}`);
      await this.end(job, VerificationStatus.FAILED, (e as Error).message).catch(() => undefined);
    } finally {
      clearInterval(timer);
    }
  }

  private async end(job: VerificationJob, status: VerificationStatus, error: string | null): Promise<void> {
    const counts = { ...job.counts, apiRequests: job.apiRequests() };
    await this.verifications.finish({ id: job.row.id, token: job.token }, status, counts, job.report, error);
    const what = job.row.repair ? `${counts.repaired} repaired` : 'nothing written (repair off)';
    const summary =
      status === VerificationStatus.SUCCEEDED
        ? `Verification finished: ${counts.ticketsChecked} tickets and ${counts.messagesChecked} messages compared, ` +
          `${differencesOf(counts)} differences, ${counts.quarantined} quarantined, ${what}, ${counts.apiRequests} calls.`
        : `Verification ${status.toLowerCase()}${error ? `: ${error}` : ''}.`;
    await this.logs.info(job.scope, summary).catch(() => undefined);
  }

  /** Renews the lease three times per lease while a call waits (the page's checkpoint renews it too). */
  private keepAlive(claim: { id: string; token: string }): NodeJS.Timeout {
    const leaseSeconds = this.config.sync.leaseSeconds;
    return setInterval(() => void this.verifications.renewLease(claim, leaseSeconds).catch(() => undefined), (leaseSeconds * 1000) / 3);
  }
}
