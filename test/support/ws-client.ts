import { Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';

/** A graphql-ws (graphql-transport-ws) client to the app, as the portal would open it. */
export function wsClient(httpUrl: string, authorization?: string, onClose?: (code: number, reason: string) => void): Client {
  return createClient({
    url: `${httpUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: authorization ? { authorization } : {},
    retryAttempts: 0,
    lazy: true,
    on: { closed: (e: any) => onClose?.(e?.code, e?.reason) },
  });
}

/** Subscribes and collects events until `until` says stop (or the timeout). */
export function collect<T>(
  client: Client,
  query: string,
  variables: Record<string, unknown>,
  until: (events: T[]) => boolean,
  timeoutMs = 60_000,
): Promise<{ events: T[]; errors: unknown[] }> {
  return new Promise((resolve, reject) => {
    const events: T[] = [];
    const errors: unknown[] = [];
    let dispose = () => {};
    const timer = setTimeout(() => {
      dispose();
      reject(new Error(`subscription timed out after ${events.length} events: ${JSON.stringify(events.slice(-3))}`));
    }, timeoutMs);
    const finish = () => {
      clearTimeout(timer);
      dispose();
      resolve({ events, errors });
    };
    dispose = client.subscribe<T>(
      { query, variables },
      {
        next: (value) => {
          if (value.errors) errors.push(...value.errors);
          if (value.data) events.push(value.data as T);
          if (until(events) || errors.length) finish();
        },
        error: (e) => {
          errors.push(e);
          finish();
        },
        complete: finish,
      },
    );
  });
}
