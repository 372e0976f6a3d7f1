import { SyncRunRow } from '../../repositories/sync-run.row';
import { SyncMode, SyncRunStatus } from '../../sync-run.types';
import { RunTally } from './run-tally';

const row = (over: Partial<SyncRunRow> = {}): SyncRunRow =>
  ({
    id: 'r1',
    mode: SyncMode.INCREMENTAL,
    ticketsSynced: 3,
    messagesSynced: 7,
    ticketsRead: 10,
    messagesRead: 20,
    ticketsDeleted: 1,
    ticketsTotal: 40,
    percent: 12.345,
    apiRequests: 5,
    rateLimitWaits: 2,
    ...over,
  }) as SyncRunRow;

describe('run tally', () => {
  it('takes a run up where its row stands and adds this instance’s calls to the stored ones', () => {
    const calls = { requests: 4, rateLimitWaits: 1 };
    const tally = new RunTally(row(), () => calls);
    tally.ticketsSynced += 2;
    expect(tally.counters()).toEqual({
      ticketsSynced: 5,
      messagesSynced: 7,
      ticketsRead: 10,
      messagesRead: 20,
      ticketsDeleted: 1,
      apiRequests: 9,
      rateLimitWaits: 3,
      ticketsTotal: 40,
      percent: 12.3,
    });
    calls.requests = 6; // the source's stats are read when asked, not copied at the start
    expect(tally.counters().apiRequests).toBe(11);
  });

  it('derives the progress bar and the outcome from the same counts', () => {
    const tally = new RunTally(row());
    tally.messagesSynced = 8;
    expect(tally.progress(SyncRunStatus.RUNNING, 'reading messages')).toEqual({
      status: SyncRunStatus.RUNNING,
      phase: 'reading messages',
      ticketsSynced: 3,
      messagesSynced: 8,
      ticketsDeleted: 1,
      ticketsTotal: 40,
      percent: 12.3,
    });
    expect(tally.outcome(SyncRunStatus.FAILED, 1500, 'UNREACHABLE')).toMatchObject({
      status: SyncRunStatus.FAILED,
      ticketsSynced: 3,
      messagesSynced: 8,
      ticketsDeleted: 1,
      apiRequests: 5,
      rateLimitWaits: 2,
      durationMs: 1500,
      errorCode: 'UNREACHABLE',
    });
  });

  it('reads missing read counts of an older row as zero, and restores a snapshot', () => {
    const tally = new RunTally(row({ ticketsRead: undefined, messagesRead: undefined, percent: undefined }));
    expect([tally.ticketsRead, tally.messagesRead, tally.percent]).toEqual([0, 0, 0]);
    const saved = tally.snapshot();
    tally.ticketsSynced += 5;
    tally.ticketsRead += 5;
    tally.restore(saved);
    expect([tally.ticketsSynced, tally.ticketsRead]).toEqual([3, 0]);
  });
});
