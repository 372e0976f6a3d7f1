import { metricValue, parseMetrics, scrape } from '../../support/prometheus';
import { randomTenant, startTestApp, TestApp } from '../../support/test-app';

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';

/**
 * Operation-name labels are a bounded set that only authenticated callers fill: `query JunkN`
 * needs no token, so anonymous traffic gets one label of its own and the portal's operations keep
 * theirs however much of it arrives first.
 */
describe('GraphQL operation-name labels under anonymous traffic', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { METRICS_TOKEN } });
  });
  afterAll(() => t?.close());

  it('205 anonymous named queries, then the portal query of a reader: it keeps its own label', async () => {
    for (let i = 0; i < 205; i++) {
      const res = await t.gql(`query Junk${i} { __typename }`, {}, null);
      expect(res.data.__typename).toBe('Query');
    }
    // A token that does not verify is no better than none.
    expect((await t.gql(`query JunkForged { __typename }`, {}, 'not-a-token')).data.__typename).toBe('Query');
    const reader = t.token(randomTenant('labels'), 'reader');
    expect((await t.gql(`query PortalConnectors { connectors { id } }`, {}, reader)).errors).toBeUndefined();
    expect((await t.gql(`query PortalViewer { __typename }`, {}, reader)).data.__typename).toBe('Query');

    const res = await scrape(`${t.url}/metrics`, METRICS_TOKEN);
    const families = parseMetrics(res.body);
    const ops = (labels: Record<string, string>) => metricValue(families, 'cxconnect_graphql_operations_total', labels);
    expect(ops({ operation_name: 'PortalConnectors', outcome: 'success' })).toBe(1);
    expect(ops({ operation_name: 'PortalViewer', outcome: 'success' })).toBe(1);
    expect(ops({ operation_name: '_unauthenticated', outcome: 'success' })).toBe(206);
    expect(ops({ operation_name: '_other' })).toBe(0);
    expect(res.body).not.toMatch(/Junk/);
  });
});
