import type { RunCounters } from '../../repositories/sync-run.row';

type Counts = Required<Pick<RunCounters, 'ticketsSynced' | 'messagesSynced' | 'ticketsRead' | 'messagesRead' | 'ticketsDeleted'>> &
  Pick<RunCounters, 'apiRequests' | 'rateLimitWaits'>;

/**
 * The log line of a run that succeeded. It says what changed, and only that, as changed: every
 * incremental run re-reads its overlap window, and calling those re-reads "synced" made each quiet
 * poll claim work it did not do. What was read is given apart.
 */
export function successLine(c: Counts): string {
  const changed =
    c.ticketsSynced || c.messagesSynced || c.ticketsDeleted
      ? `${c.ticketsSynced} tickets and ${c.messagesSynced} messages new or changed, ${c.ticketsDeleted} deleted`
      : 'nothing changed';
  return (
    `Sync succeeded: ${changed} (read ${c.ticketsRead} tickets and ${c.messagesRead} messages), ` +
    `${c.apiRequests ?? 0} Gorgias API calls, ${c.rateLimitWaits ?? 0} rate-limit waits.`
  );
}
