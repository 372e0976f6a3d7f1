import { Injectable } from '@nestjs/common';
import { GorgiasApiError } from '../../../gorgias/gorgias-api.error';
import { datetimeMs } from '../../../gorgias/gorgias-datetime';
import { GorgiasEvent } from '../../../gorgias/gorgias.types';
import { TicketWriteRepository } from '../../../tickets/repositories/ticket-write.repository';
import { PAGE_SIZE, TICKET_DELETION_EVENT_TYPES, WATERMARK_OVERLAP_MS } from '../../sync.constants';
import { SyncStage } from '../../sync-run.types';
import { RunSession } from '../run-session';
import { SyncStageRunner, Watermarks } from './sync-stage';

/** Deleted tickets disappear from lists: the events list says which (as soft deletes here). */
@Injectable()
export class EventsStage implements SyncStageRunner {
  constructor(private readonly write: TicketWriteRepository) {}

  async run(session: RunSession, next: SyncStage, watermarks: Watermarks): Promise<void> {
    session.phase = 'reading deletions';
    const cp = session.checkpoint;
    const watermark = watermarks.events;
    const since = watermark && !cp.initial ? new Date(watermark.getTime() - WATERMARK_OVERLAP_MS) : null;
    let newest: string | null = cp.pendingWatermark ?? null;
    if (since) {
      const apply = async (events: GorgiasEvent[]) => {
        const ids = events
          .filter((e) => TICKET_DELETION_EVENT_TYPES.includes(e.type) && e.object_id != null && datetimeMs(e.created_datetime) >= since.getTime())
          .map((e) => String(e.object_id));
        for (const e of events) if (!newest || datetimeMs(e.created_datetime) > datetimeMs(newest)) newest = e.created_datetime;
        if (ids.length) {
          await session.page(async (tx, changes) => {
            session.ticketsDeleted += changes.addDeletions(await this.write.markTicketsDeleted(tx, session.scope, ids, new Date()));
          });
        }
      };
      await this.readDeletionEvents(session, since, apply);
    }
    await session.page(async (tx) => {
      // The first run starts the events watermark now: nothing synced before can have been deleted since.
      await session.services.cursors.setWatermark(tx, session.scope, 'events', newest ?? session.run.startedAt ?? new Date());
      session.advance(next);
    });
  }

  private async readDeletionEvents(session: RunSession, since: Date, apply: (events: GorgiasEvent[]) => Promise<void>): Promise<void> {
    const client = session.client;
    try {
      try {
        for await (const page of client.paginate((cursor) =>
          client.listEvents({ limit: PAGE_SIZE, cursor, types: TICKET_DELETION_EVENT_TYPES, createdAfter: since.toISOString() }),
        )) {
          await apply(page.data);
        }
      } catch (e) {
        // The type and date filters are not in the public reference: if Gorgias refuses them,
        // walk the events newest first without filters and stop at the watermark.
        if (!(e instanceof GorgiasApiError && e.code === 'BAD_REQUEST')) throw e;
        await session.logs.warn(session.scope, 'Gorgias refused the filtered events list; reading recent events unfiltered instead.');
        for await (const page of client.paginate((cursor) => client.listEvents({ limit: PAGE_SIZE, cursor, order_by: 'created_datetime:desc' }))) {
          await apply(page.data);
          const oldest = page.data[page.data.length - 1];
          if (!oldest || datetimeMs(oldest.created_datetime) < since.getTime()) break;
        }
      }
    } catch (e) {
      if (!(e instanceof GorgiasApiError && (e.code === 'PERMISSION_DENIED' || e.code === 'BAD_REQUEST'))) throw e;
      await session.logs.warn(
        session.scope,
        e.code === 'PERMISSION_DENIED'
          ? 'The API key cannot read events, so tickets deleted in Gorgias are only detected by a FULL sync.'
          : 'Gorgias refused the events list, so tickets deleted in Gorgias are only detected by a FULL sync.',
      );
    }
  }
}
