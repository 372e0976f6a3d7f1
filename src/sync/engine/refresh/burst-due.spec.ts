import { burstDueAt } from './burst-due';
import { REFRESH_COALESCE_MAX_MS } from './refresh.constants';

const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms);

describe('burstDueAt', () => {
  it('the first webhook of a quiet connector is due at its own time (deferred when re-read seconds ago)', () => {
    expect(burstDueAt({ now: at(0), ownDueAt: at(0), dueSince: null, oldest: null, held: false })).toEqual(at(0));
    expect(burstDueAt({ now: at(0), ownDueAt: at(3000), dueSince: null, oldest: null, held: false })).toEqual(at(3000));
  });

  it('a new ticket of the same burst moves the due time to its arrival: the burst makes one run', () => {
    expect(burstDueAt({ now: at(250), ownDueAt: at(250), dueSince: at(0), oldest: at(0), held: false })).toEqual(at(250));
  });

  it('never past the oldest request plus REFRESH_COALESCE_MAX_MS, so a steady stream is still read', () => {
    const now = at(REFRESH_COALESCE_MAX_MS + 5000);
    expect(burstDueAt({ now, ownDueAt: now, dueSince: at(1000), oldest: at(0), held: false })).toEqual(at(REFRESH_COALESCE_MAX_MS));
  });

  it('a duplicate of a held request, or a due time already later, stays', () => {
    expect(burstDueAt({ now: at(250), ownDueAt: at(250), dueSince: at(0), oldest: at(0), held: true })).toEqual(at(0));
    expect(burstDueAt({ now: at(250), ownDueAt: at(250), dueSince: at(3000), oldest: at(3000), held: false })).toEqual(at(3000));
  });
});
