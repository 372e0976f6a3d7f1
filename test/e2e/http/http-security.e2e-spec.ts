import WebSocket from 'ws';
import { randomTenant, startTestApp, TestApp } from '../../support/test-app';

/** CORS allowlist, preflight caching, security headers and the WebSocket Origin check, over plain HTTP. */
describe('HTTP security: CORS, headers, WebSocket origins', () => {
  const PORTAL = 'https://portal.example.test';
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    t = await startTestApp({ env: { CORS_ORIGINS: `${PORTAL}, http://localhost:5173` } });
    token = t.token(randomTenant('cors'), 'reader');
  });
  afterAll(() => t?.close());

  const preflight = (origin: string) =>
    fetch(`${t.url}/graphql`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });

  it('answers a preflight from a listed origin, cacheable, with the headers the portal sends', async () => {
    const res = await preflight(PORTAL);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(PORTAL);
    expect(res.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    expect(res.headers.get('access-control-allow-methods')).toMatch(/POST/);
    expect(Number(res.headers.get('access-control-max-age'))).toBeGreaterThanOrEqual(600);
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('gives an unlisted origin no CORS headers at all', async () => {
    const pre = await preflight('https://evil.example.test');
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    const res = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { origin: 'https://evil.example.test', 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ viewer { tenantId } }' }),
    });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('lets a listed origin read the answer', async () => {
    const res = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { origin: 'http://localhost:5173', 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ viewer { role } }' }),
    });
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(res.headers.get('vary')).toMatch(/Origin/i);
    expect((await res.json()).data.viewer.role).toBe('reader');
  });

  it('serves the console publicly under a strict CSP; /graphql keeps the other headers without a CSP', async () => {
    for (const path of ['/', '/console']) {
      const res = await fetch(`${t.url}${path}`);
      expect(res.status).toBe(200);
      expect(await res.text()).toMatch(/<title>cxconnect.ai Sync Engine console<\/title>/);
      const csp = res.headers.get('content-security-policy')!;
      expect(csp).toMatch(/default-src 'self'/);
      expect(csp).toMatch(/script-src 'self'(;|$)/); // no inline script, no CDN
      expect(csp).toMatch(/frame-ancestors 'none'/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
    const asset = await fetch(`${t.url}/console/assets/graphql-ws.js`);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(await asset.text()).toMatch(/graphql-transport-ws/);
    const again = await fetch(`${t.url}/console/assets/app.js`, {
      headers: { 'if-none-match': (await fetch(`${t.url}/console/assets/app.js`)).headers.get('etag')! },
    });
    expect(again.status).toBe(304);
    expect((await fetch(`${t.url}/console/assets/..%2Fconsole.controller.ts`)).status).toBe(404);
    expect((await fetch(`${t.url}/console/assets/nope.js`)).status).toBe(404);

    const gql = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ viewer { role } }' }),
    });
    expect(gql.headers.get('content-security-policy')).toBeNull(); // Apollo's landing page brings its own
    expect(gql.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('keeps the API behind tokens even though the console is public', async () => {
    const res = await t.gql('{ connectors { id } }', {}, null);
    expect(res.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  const upgrade = (origin?: string) =>
    new Promise<string>((resolve) => {
      const ws = new WebSocket(`${t.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws', origin ? { origin } : {});
      ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })));
      ws.on('message', (m) => {
        resolve(JSON.parse(String(m)).type);
        ws.close();
      });
      ws.on('unexpected-response', (_req, res) => resolve(`refused ${res.statusCode}`));
      ws.on('close', (code) => resolve(`closed ${code}`));
      ws.on('error', () => resolve('error'));
    });

  it('applies the same allowlist to WebSocket upgrades (no Origin: not a browser, allowed)', async () => {
    await expect(upgrade(PORTAL)).resolves.toBe('connection_ack');
    await expect(upgrade(t.url)).resolves.toBe('connection_ack'); // the console's own origin
    await expect(upgrade()).resolves.toBe('connection_ack');
    // Refused at the upgrade: no socket is opened for it.
    await expect(upgrade('https://evil.example.test')).resolves.toBe('refused 403');
  });
});
