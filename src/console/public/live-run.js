const FINISHED = ['SUCCEEDED', 'FAILED', 'CANCELLED'];
const finished = (status) => FINISHED.includes(status);

/**
 * The connector with its latest run as fresh as the page knows it. The list is read every few
 * seconds, the live progress arrives every second: each may be behind the other. Badges, facts, bar
 * and the runs row all read this one merge, so a quick run never shows "done" beside "syncing".
 * - Same run: a finished state beats an unfinished one (a run never starts again); otherwise the
 *   live event, which is newer.
 * - Another run: an unfinished live run is one the list has not read yet; otherwise the list's run
 *   is the newer one.
 */
export function withLiveRun(c, p) {
  if (!p || (p.connectorId !== undefined && p.connectorId !== c.id)) return c;
  const run = c.latestRun;
  const live = {
    ...(run?.id === p.runId ? run : {}),
    id: p.runId,
    status: p.status,
    phase: p.phase,
    ticketsSynced: p.ticketsSynced,
    messagesSynced: p.messagesSynced,
    ticketsTotal: p.ticketsTotal,
    percent: p.percent,
  };
  if (!run) return { ...c, latestRun: live };
  if (run.id === p.runId) {
    if (finished(run.status) && !finished(p.status)) return c;
    return { ...c, latestRun: live };
  }
  // An unfinished run from before the list's run is one whose end this page missed.
  const older = p.at && run.createdAt && new Date(p.at) < new Date(run.createdAt);
  return !finished(p.status) && finished(run.status) && !older ? { ...c, latestRun: live } : c;
}

/** The last progress event of each connector (the page's memory across rebuilds of the detail). */
export const liveRuns = new Map();
