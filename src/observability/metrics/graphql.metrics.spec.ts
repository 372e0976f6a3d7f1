import { GraphqlMetrics } from './graphql.metrics';
import { MetricsRegistry } from './metrics.registry';

async function value(registry: MetricsRegistry, name: string): Promise<string> {
  return (await registry.render()).body
    .split('\n')
    .filter((l) => l.startsWith(name))
    .join('\n');
}

describe('GraphqlMetrics', () => {
  it('labels operations by name, but keeps client-chosen names from growing the label set without bound', async () => {
    const registry = new MetricsRegistry();
    const metrics = new GraphqlMetrics(registry);
    metrics.operationDone('query', 'Tickets', 'success', 0.01, true);
    metrics.operationDone('query', undefined, 'success', 0.01, true);
    metrics.operationDone('query', 'not a name!', 'invalid', 0.01, true);
    for (let i = 0; i < 250; i++) metrics.operationDone('query', `Op${i}`, 'success', 0.01, true);
    const text = await value(registry, 'cxconnect_graphql_operations_total{');
    expect(text).toContain('operation_name="Tickets",outcome="success"} 1');
    expect(text).toContain('operation_name="_anonymous"');
    expect(text).toContain('operation_name="_other",outcome="invalid"} 1');
    expect(text).toContain('operation_name="_other",outcome="success"} 51');
    expect(text.split('\n').length).toBeLessThanOrEqual(203);
  });

  it('gives unauthenticated callers one label of their own: their names never take the slots of named operations', async () => {
    const registry = new MetricsRegistry();
    const metrics = new GraphqlMetrics(registry);
    for (let i = 0; i < 205; i++) metrics.operationDone('query', `Junk${i}`, 'success', 0.01, false);
    metrics.operationDone('query', 'PortalConnectors', 'success', 0.01, true);
    metrics.operationDone('query', 'PortalConnectors', 'error', 0.01, false); // the portal's name, without a token
    const text = await value(registry, 'cxconnect_graphql_operations_total{');
    expect(text).toContain('operation_name="PortalConnectors",outcome="success"} 1');
    expect(text).toContain('operation_name="_unauthenticated",outcome="success"} 205');
    expect(text).toContain('operation_name="_unauthenticated",outcome="error"} 1');
    expect(text).not.toMatch(/Junk/);
    expect(text).not.toMatch(/_other/);
  });

  it('counts a subscription open until the client closes it, even while it waits for an event', async () => {
    const registry = new MetricsRegistry();
    const metrics = new GraphqlMetrics(registry);
    let released = false;
    const source: AsyncIterableIterator<number> = {
      next: () => new Promise(() => undefined), // no event ever comes
      return: async () => {
        released = true;
        return { done: true, value: undefined };
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
    const tracked = metrics.trackSubscription(source);
    void tracked.next();
    expect(await value(registry, 'cxconnect_graphql_active_subscriptions ')).toBe('cxconnect_graphql_active_subscriptions 1');
    await tracked.return!();
    expect(released).toBe(true);
    expect(await value(registry, 'cxconnect_graphql_active_subscriptions ')).toBe('cxconnect_graphql_active_subscriptions 0');
    await tracked.return!();
    expect(await value(registry, 'cxconnect_graphql_active_subscriptions ')).toBe('cxconnect_graphql_active_subscriptions 0');
  });

  it('stops counting a subscription whose stream ends or fails', async () => {
    const registry = new MetricsRegistry();
    const metrics = new GraphqlMetrics(registry);
    async function* two() {
      yield 1;
      yield 2;
    }
    const ended = metrics.trackSubscription(two());
    // eslint-disable-next-line require-yield -- a stream that fails before its first value
    async function* failing(): AsyncGenerator<number> {
      throw new Error('boom');
    }
    const failed = metrics.trackSubscription(failing());
    expect(await value(registry, 'cxconnect_graphql_active_subscriptions ')).toBe('cxconnect_graphql_active_subscriptions 2');
    const seen: number[] = [];
    for await (const v of ended) seen.push(v);
    await expect(failed.next()).rejects.toThrow('boom');
    expect(seen).toEqual([1, 2]);
    expect(await value(registry, 'cxconnect_graphql_active_subscriptions ')).toBe('cxconnect_graphql_active_subscriptions 0');
  });
});
