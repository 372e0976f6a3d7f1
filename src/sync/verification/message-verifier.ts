import { Injectable } from '@nestjs/common';
import { TicketCompareRepository } from '../../tickets/repositories/ticket-compare.repository';
import { TicketWriteRepository } from '../../tickets/repositories/ticket-write.repository';
import { SourceMessage, SourcePage, toMessageRows } from '../engine/source/helpdesk-source';
import { prefetchingPages } from './prefetching-pages';
import { TicketStore } from '../engine/source/ticket-store';
import { PAGE_SIZE } from '../sync.constants';
import { compareOrRefuse, quarantinedOf } from './compare-or-refuse';
import { difference } from './ticket-verifier';
import { VerificationJob } from './verification-job';
import { VerificationQuarantined } from './verification.types';
import { VerificationWindow } from './verification-window';

/**
 * The messages of a verification: `GET /api/messages` newest first (created_datetime, 100 a call; the
 * list has no date filter, so the walk stops at the first message older than the window), each
 * compared with our row. With repair, missing and stale ones are upserted through the sync's
 * TicketStore in the page's transaction, with its checkpoint and feed entry.
 */
@Injectable()
export class MessageVerifier {
  private readonly store: TicketStore;

  constructor(
    private readonly compare: TicketCompareRepository,
    write: TicketWriteRepository,
  ) {
    this.store = new TicketStore(write);
  }

  async run(job: VerificationJob, window: VerificationWindow): Promise<void> {
    const { scope } = job;
    const fetch = async (cursor: string | undefined) => {
      await job.nextCall();
      return job.source.listMessages({ limit: PAGE_SIZE, cursor, order_by: 'created_datetime:desc' });
    };
    const ends = (page: SourcePage<SourceMessage>) => page.data.some((m) => window.isBefore(m.created_datetime));
    for await (const { page, last } of prefetchingPages(job.checkpoint.cursor ?? undefined, fetch, ends)) {
      const inWindow = page.data.filter((m) => window.holds(m.created_datetime));
      const db = job.services.dataSource.manager;
      const compared = await compareOrRefuse(
        toMessageRows(inWindow),
        (r) => String(r.external_id),
        (rows) => this.compare.compareMessages(db, scope, rows),
      );
      const missing = compared.differing.filter((d) => d.missing).map((d) => d.externalId);
      const reasons = quarantinedOf(compared, await job.services.quarantine.reasonsFor(db, scope, 'message', missing));
      const counted = compared.differing.filter((d) => !reasons.has(d.externalId));
      const next = last ? { stage: 'done' as const } : { stage: 'messages' as const, cursor: page.meta.next_cursor };
      await job.page(last ? 'finishing' : 'verifying messages', next, async (tx, changes) => {
        const quarantinedRecords = [...reasons].map(([externalId, reason]): VerificationQuarantined => ({
          object: 'message',
          externalId,
          reason,
        }));
        const found = {
          messagesChecked: inWindow.length,
          messagesMissing: counted.filter((d) => d.missing).length,
          messagesStale: counted.filter((d) => !d.missing).length,
          quarantined: quarantinedRecords.length,
          differences: counted.map((d) => difference('message', d)),
          quarantinedRecords,
        };
        if (!job.row.repair || !counted.length) return found;
        const ids = new Set(counted.map((d) => d.externalId));
        const repaired = await this.store.messages(
          tx,
          scope,
          inWindow.filter((m) => ids.has(String(m.id))),
          changes,
        );
        return { ...found, repaired };
      });
    }
  }
}
