// First: OpenTelemetry patches http, pg, graphql and Nest before they load (a no-op unless OTEL_* asks for it).
import './observability/tracing/start-tracing';
import 'reflect-metadata';
import { Logger } from 'nestjs-pino';
import { signToken } from './auth/auth.service';
import { EnvironmentError } from './config/environment';
import { createHttpApp } from './http-app';
import { DataDirInUseError } from './database/embedded-postgres';
import { stopTracing } from './observability/tracing/tracing';
import { prepareRuntime } from './runtime';

async function bootstrap() {
  const say = (msg: string) => process.stdout.write(`[cxconnect] ${msg}\n`);
  const runtime = await prepareRuntime(say);
  let app;
  try {
    app = await createHttpApp({ bufferLogs: true });
    app.useLogger(app.get(Logger));
    // Fastify listens on localhost only unless told: every interface, IPv4 and IPv6, as Node (and Express) did.
    await app.listen(runtime.env.PORT, '::');
  } catch (e) {
    // Start-up already failed: the original error is the one to report, not a secondary close failure.
    await app?.close().catch(() => undefined);
    await runtime.stop(); // never leave the embedded server behind
    throw e;
  }
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    say(`${signal}: shutting down`);
    // Exiting on a signal: close hands running syncs back; if it fails, the leases expire and another instance resumes them.
    await app.close().catch(() => undefined);
    await runtime.stop();
    await stopTracing();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  const url = await app.getUrl();
  const base = url.replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost');
  say(`GraphQL: ${base}/graphql (subscriptions: ${base.replace(/^http/, 'ws')}/graphql)`);
  say(`Health:  ${base}/health`);
  const { METRICS_PORT, METRICS_TOKEN } = runtime.env;
  if (METRICS_PORT) say(`Metrics: port ${METRICS_PORT}, GET /metrics${METRICS_TOKEN ? ' (bearer METRICS_TOKEN)' : ''}`);
  else if (METRICS_TOKEN) say(`Metrics: ${base}/metrics (bearer METRICS_TOKEN)`);
  else say('Metrics: off (set METRICS_TOKEN or METRICS_PORT)');
  if (!runtime.generatedJwtSecret) say(`Console: ${base}/console (paste a token from \`npm run token\`)`);
  if (runtime.generatedJwtSecret) {
    const token = signToken({ tenantId: 'dev', role: 'admin' }, process.env.AUTH_JWT_SECRET!, '30d');
    say(`Admin token for tenant "dev" (30 days): ${token}`);
    // The fragment never leaves the browser: the console reads the token from it, then drops it from the address bar.
    say(`Console: ${base}/console#token=${token}`);
  }
}

bootstrap().catch((e) => {
  if (e instanceof EnvironmentError || e instanceof DataDirInUseError) {
    process.stderr.write(`${e.message}\n`);
  } else {
    process.stderr.write(`Start-up failed: ${e?.stack ?? e}\n`);
  }
  process.exit(1);
});
