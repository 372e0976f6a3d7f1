import { listComplexity } from './tickets-cost';

// Beside the cost it checks (it was in queries/ticket-input.spec.ts, which may not import api/).
describe('tickets list cost', () => {
  it('prices lists by page size, capped at the maximum page', () => {
    const c = listComplexity(20);
    expect(c({ args: {}, childComplexity: 3 } as never)).toBe(61);
    expect(c({ args: { first: 5 }, childComplexity: 3 } as never)).toBe(16);
    expect(c({ args: { first: 1000 }, childComplexity: 1 } as never)).toBe(101);
  });
});
