import { PAGE_SIZE } from '../../sync.constants';
import { RunSession } from '../session/run-session';
import { HelpdeskApiError, SourceEvent, sourceTimeMs, SYNC_EVENT_OBJECT_TYPES, SYNC_EVENT_TYPES } from '../source/helpdesk-source';

const isBadRequest = (e: unknown) => e instanceof HelpdeskApiError && e.code === 'BAD_REQUEST';

/**
 * Reads the events an incremental run acts on, created since `since`, in as few calls as the
 * account allows: filtered by type (repeated `types` keys) and date, one call when nothing
 * happened. An account that refuses a type is read by object type and date instead, one that
 * refuses every filter newest first without filters down to `since`; the caller checks type and
 * date on its side. Without access to events (403) or when even that is refused, it warns and
 * returns nothing: deletions are then only found by a FULL sync.
 */
export async function readSyncEvents(session: RunSession, since: Date): Promise<SourceEvent[]> {
  const client = session.source;
  const createdAfter = since.toISOString();
  const events: SourceEvent[] = [];
  const walk = async (fetch: (cursor?: string) => ReturnType<typeof client.listEvents>, stopAtSince = false) => {
    for await (const page of client.paginate(fetch)) {
      events.push(...page.data);
      const oldest = page.data[page.data.length - 1];
      if (stopAtSince && (!oldest || sourceTimeMs(oldest.created_datetime) < since.getTime())) break;
    }
  };
  try {
    try {
      await walk((cursor) => client.listEvents({ limit: PAGE_SIZE, cursor, types: SYNC_EVENT_TYPES, createdAfter }));
      return events;
    } catch (e) {
      if (!isBadRequest(e)) throw e;
    }
    events.length = 0;
    try {
      await session.logs.warn(
        session.scope,
        'Gorgias refused the event type filter; reading ticket and message events by object type instead.',
      );
      for (const objectType of SYNC_EVENT_OBJECT_TYPES) {
        await walk((cursor) => client.listEvents({ limit: PAGE_SIZE, cursor, objectType, createdAfter }));
      }
      return events;
    } catch (e) {
      if (!isBadRequest(e)) throw e;
    }
    events.length = 0;
    await session.logs.warn(session.scope, 'Gorgias refused the filtered events list; reading recent events unfiltered instead.');
    await walk((cursor) => client.listEvents({ limit: PAGE_SIZE, cursor, order_by: 'created_datetime:desc' }), true);
    return events;
  } catch (e) {
    if (!(e instanceof HelpdeskApiError && (e.code === 'PERMISSION_DENIED' || e.code === 'BAD_REQUEST'))) throw e;
    await session.logs.warn(
      session.scope,
      e.code === 'PERMISSION_DENIED'
        ? 'The API key cannot read events, so tickets trashed, merged or deleted in Gorgias are only detected by a FULL sync.'
        : 'Gorgias refused the events list, so tickets trashed, merged or deleted in Gorgias are only detected by a FULL sync.',
    );
    return [];
  }
}
