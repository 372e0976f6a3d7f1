import { Injectable } from '@nestjs/common';
import { RowComparison, TicketCompareRepository } from '../../tickets/repositories/ticket-compare.repository';
import { TicketWriteRepository } from '../../tickets/repositories/ticket-write.repository';
import { SourcePage, SourceTicket, toCustomerRows, toTicketRows } from '../engine/source/helpdesk-source';
import { prefetchingPages } from './prefetching-pages';
import { TicketRead, TicketRefresher } from '../engine/source/ticket-refresher';
import { TicketStore } from '../engine/source/ticket-store';
import { PAGE_SIZE } from '../sync.constants';
import { compareOrRefuse, quarantinedOf } from './compare-or-refuse';
import { withCustomerDifferences } from './customer-differences';
import { VerificationJob, PageFindings } from './verification-job';
import { VerificationDifference, VerificationQuarantined } from './verification.types';
import { VerificationWindow } from './verification-window';

/**
 * The tickets of a verification: lists the window's tickets newest first (created_datetime, 100 a call),
 * compares each with our row, and finds the tickets live here that Gorgias no longer lists ("extra"),
 * slice by slice of creation time: each page judges the stored tickets created between its oldest
 * ticket and the previous page's, so no list of every id is held and a resumed walk continues from
 * its checkpoint. With repair, missing and stale tickets are upserted through the sync's TicketStore,
 * and each extra one is read on its own (TicketRefresher: deleted here on a 404, stored as it is
 * otherwise, e.g. trashed), all in the page's transaction with its checkpoint and feed entry.
 */
@Injectable()
export class TicketVerifier {
  private readonly store: TicketStore;

  constructor(
    private readonly compare: TicketCompareRepository,
    private readonly refresher: TicketRefresher,
    write: TicketWriteRepository,
  ) {
    this.store = new TicketStore(write);
  }

  async run(job: VerificationJob, window: VerificationWindow): Promise<void> {
    const { scope } = job;
    const fetch = async (cursor: string | undefined) => {
      await job.nextCall();
      return job.source.listTickets({ limit: PAGE_SIZE, cursor, order_by: 'created_datetime:desc' });
    };
    const ends = (page: SourcePage<SourceTicket>) => page.data.some((t) => window.isBefore(t.created_datetime));
    for await (const { page, last } of prefetchingPages(job.checkpoint.cursor ?? undefined, fetch, ends)) {
      const cp = job.checkpoint;
      const inWindow = page.data.filter((t) => window.holds(t.created_datetime));
      const lowest = inWindow.length ? inWindow[inWindow.length - 1].created_datetime : null;
      const listed = [...inWindow.map((t) => String(t.id)), ...(cp.idsAtBelow ?? [])];
      // The first slice ends at the window's end or, open-ended, at the newest ticket Gorgias listed: one created
      // since (and stored by a poll meanwhile) is not "extra".
      const to = cp.ticketsBelow ?? window.toIso ?? page.data[0]?.created_datetime ?? job.row.startedAt?.toISOString() ?? null;
      const slice = last ? { from: window.fromIso, fromExclusive: false, to } : { from: lowest, fromExclusive: true, to };
      const judged = last || lowest !== null;
      // Reads outside the page's transaction: an extra ticket is read from Gorgias before the transaction opens.
      const db = job.services.dataSource.manager;
      const compared = await compareOrRefuse(
        toTicketRows(inWindow),
        (r) => String(r.external_id),
        (rows) => this.compare.compareTickets(db, scope, rows),
      );
      const extra = judged ? await this.compare.unlistedTickets(db, scope, slice, listed) : [];
      const recorded = await job.services.quarantine.reasonsFor(db, scope, 'ticket', missingIds(compared.differing));
      const reasons = quarantinedOf(compared, recorded);
      // The customers the page's tickets carry, compared as the tickets show them (a refused one is the ticket's quarantine).
      const customers = await compareOrRefuse(
        toCustomerRows(inWindow),
        (r) => String(r.external_id),
        (rows) => this.compare.compareCustomers(db, scope, rows),
      );
      const quarantined = new Set(reasons.keys());
      const differing = withCustomerDifferences(inWindow, compared.differing, customers.differing, quarantined).filter(
        (d) => !reasons.has(d.externalId),
      );
      // One at a time, each through the budget gate (a page can hold many extra tickets).
      const extraReads: TicketRead[] = [];
      if (job.row.repair) for (const externalId of extra) extraReads.push({ externalId, snapshot: await this.readExtra(job, externalId) });
      const next = last
        ? { stage: 'messages' as const }
        : {
            stage: 'tickets' as const,
            cursor: page.meta.next_cursor,
            ticketsBelow: lowest ?? cp.ticketsBelow ?? null,
            idsAtBelow: lowest ? inWindow.filter((t) => t.created_datetime === lowest).map((t) => String(t.id)) : (cp.idsAtBelow ?? []),
          };
      await job.page(last ? 'verifying messages' : 'verifying tickets', next, async (tx, changes) => {
        const found = findings(inWindow.length, differing, extra, reasons);
        if (!job.row.repair) return found;
        const ids = new Set(differing.map((d) => d.externalId));
        const repair = inWindow.filter((t) => ids.has(String(t.id)));
        // A ticket stale only by its customer is repaired by the customers' upsert (the listed copy is not older
        // than ours, which the comparison required): its ticket row is unchanged, so the store does not count it.
        const customerOnly = differing.filter((d) => !d.missing && d.fields.every((f) => f.startsWith('customer'))).length;
        let repaired = (await this.store.tickets(tx, scope, repair, changes)) + customerOnly;
        const result = await this.refresher.storeAll(tx, scope, extraReads, changes);
        repaired += result.ticketsChanged + result.messages + result.removed + result.deleted;
        return { ...found, repaired };
      });
    }
  }

  /** An extra ticket read on its own (one call): null when Gorgias no longer has it. */
  private async readExtra(job: VerificationJob, externalId: string) {
    await job.nextCall();
    return this.refresher.read(job.source, externalId);
  }
}

function missingIds(differing: RowComparison[]): string[] {
  return differing.filter((d) => d.missing).map((d) => d.externalId);
}

/** Counts and report lines of one page of tickets (`differing` without the quarantined: they count apart, with their reason). */
function findings(checked: number, differing: RowComparison[], extra: string[], reasons: Map<string, string>): PageFindings {
  const quarantinedRecords: VerificationQuarantined[] = [...reasons].map(([externalId, reason]) => ({
    object: 'ticket',
    externalId,
    reason,
  }));
  const differences: VerificationDifference[] = [
    ...differing.map((d) => difference('ticket', d)),
    ...extra.map((externalId): VerificationDifference => ({ object: 'ticket', externalId, kind: 'extra', fields: [] })),
  ];
  return {
    ticketsChecked: checked,
    ticketsMissing: differing.filter((d) => d.missing).length,
    ticketsStale: differing.filter((d) => !d.missing).length,
    ticketsExtra: extra.length,
    quarantined: quarantinedRecords.length,
    differences,
    quarantinedRecords,
  };
}

/** A report line: a missing record names no field (all of them differ). */
export function difference(object: 'ticket' | 'message', d: RowComparison): VerificationDifference {
  return { object, externalId: d.externalId, kind: d.missing ? 'missing' : 'stale', fields: d.missing ? [] : d.fields };
}
