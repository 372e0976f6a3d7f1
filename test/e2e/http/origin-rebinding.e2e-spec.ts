import { request } from 'node:http';
import WebSocket from 'ws';
import { randomTenant, startTestApp, TestApp } from '../../support/test-app';

/** POST /graphql with chosen Host and Origin headers (fetch may not set Host); resolves with the CORS header. */
function allowOriginFor(app: TestApp, headers: { host: string; origin: string }): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const req = request(`${app.url}/graphql`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.headers['access-control-allow-origin'] as string | undefined));
    });
    req.on('error', reject);
    req.end(JSON.stringify({ query: '{ __typename }' }));
  });
}

/** Opens the GraphQL WebSocket with chosen headers: 'connection_ack', or how it was refused. */
function upgrade(app: TestApp, token: string, headers: Record<string, string>): Promise<string> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${app.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws', { headers });
    ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })));
    ws.on('message', (m) => {
      resolve(JSON.parse(String(m)).type);
      ws.close();
    });
    ws.on('unexpected-response', (_req, res) => resolve(`refused ${res.statusCode}`));
    ws.on('error', () => resolve('error'));
  });
}

/**
 * DNS rebinding: a page on rebind.evil whose name is made to resolve to the gateway sends
 * Origin = Host = rebind.evil. The gateway decides its own origin from configuration
 * (PUBLIC_BASE_URL, CORS_ORIGINS) and, outside production, loopback pages on its own port, never
 * from the Host header.
 */
describe('browser origins are never taken from the Host header', () => {
  let dev: TestApp;
  let prod: TestApp;
  let token: string;

  beforeAll(async () => {
    dev = await startTestApp();
    prod = await startTestApp({ env: { NODE_ENV: 'production', PUBLIC_BASE_URL: 'https://sync.example.test' } });
    token = dev.token(randomTenant('rebind'), 'reader');
  });
  afterAll(async () => {
    await dev?.close();
    await prod?.close();
  });

  it('gives a rebinding page no CORS headers and no WebSocket, whatever Host it sends', async () => {
    for (const app of [dev, prod]) {
      const port = new URL(app.url).port;
      const rebound = { host: `rebind.evil:${port}`, origin: `http://rebind.evil:${port}` };
      expect(await allowOriginFor(app, rebound)).toBeUndefined();
      expect(await upgrade(app, token, rebound)).toBe('refused 403');
    }
  });

  it('in production, the origin of PUBLIC_BASE_URL (the console behind the proxy) is its own', async () => {
    const behindProxy = { host: 'sync.example.test', origin: 'https://sync.example.test' };
    expect(await allowOriginFor(prod, behindProxy)).toBe('https://sync.example.test');
    expect(await upgrade(prod, token, behindProxy)).toBe('connection_ack');
    // Loopback pages are for development: production lists the console's address in CORS_ORIGINS or PUBLIC_BASE_URL.
    const local = { host: new URL(prod.url).host, origin: prod.url };
    expect(await upgrade(prod, token, local)).toBe('refused 403');
  });

  it('in development, the console served on this port keeps its WebSocket, at any loopback name', async () => {
    const port = new URL(dev.url).port;
    for (const name of ['127.0.0.1', 'localhost']) {
      const own = { host: `${name}:${port}`, origin: `http://${name}:${port}` };
      expect(await upgrade(dev, token, own)).toBe('connection_ack');
      expect(await allowOriginFor(dev, own)).toBe(own.origin);
    }
  });
});
