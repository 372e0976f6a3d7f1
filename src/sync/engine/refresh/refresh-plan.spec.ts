import { refreshPlan } from './refresh-plan';
import { REFRESH_BATCH_MAX_TICKETS, REFRESH_GET_MAX_TICKETS } from './refresh.constants';

describe('refreshPlan', () => {
  it('reads a few tickets one by one, more in batches, and walks past the batch limit', () => {
    expect(refreshPlan(0)).toBe('NOTHING');
    expect(refreshPlan(1)).toBe('EACH');
    expect(refreshPlan(REFRESH_GET_MAX_TICKETS)).toBe('EACH');
    expect(refreshPlan(REFRESH_GET_MAX_TICKETS + 1)).toBe('BATCH');
    expect(refreshPlan(REFRESH_BATCH_MAX_TICKETS)).toBe('BATCH');
    expect(refreshPlan(REFRESH_BATCH_MAX_TICKETS + 1)).toBe('WALK');
  });
});
