import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { ExecutionResult, getOperationAST, GraphQLError, parse, specifiedRules, validate } from 'graphql';
import { Context, SubscribePayload } from 'graphql-ws';
import type { useServer as UseServer } from 'graphql-ws/dist/use/ws';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { AuthUser } from '../auth/auth-user';
import { AuthService } from '../auth/auth.service';
import { limitExceeded } from '../common/graphql-errors';
import { GraphqlContext } from '../auth/graphql-context';
import { appConfig, AppConfig } from '../config/app.config';
import { OriginPolicy } from '../http-security/origin-policy';
import { graphqlWsMetricsHooks } from '../observability/metrics/graphql-ws-metrics.hooks';
import { GraphqlMetrics } from '../observability/metrics/graphql.metrics';
import { createErrorFormatter } from '../common/graphql/graphql-error-format';
import { graphqlValidationRules } from '../common/graphql/graphql-limits';
import { assertComplexity } from '../common/graphql/query-complexity.plugin';

export const GRAPHQL_WS_PATH = '/graphql';
/** Largest WebSocket message accepted (a subscription document with variables is a few KiB); larger closes the socket (1009). */
export const WS_MAX_PAYLOAD_BYTES = 64 * 1024;
/** Tokens in one subscription document: parsing stops there. */
export const WS_MAX_DOCUMENT_TOKENS = 2_000;
/** setTimeout's largest delay (about 24.8 days). */
const MAX_TIMER_MS = 2_147_483_647;

type SocketExtra = {
  socket: WebSocket;
  request: IncomingMessage;
  user?: AuthUser;
  expiry?: NodeJS.Timeout;
};
type WsContext = Context<Record<string, unknown>, SocketExtra>;

// The package's export map serves this path; TypeScript's `node` resolution only finds its types under dist/.

const { useServer } = require('graphql-ws/use/ws') as { useServer: typeof UseServer };

const userError = (message: string, code = 'BAD_USER_INPUT') => new GraphQLError(message, { extensions: { code } });

/**
 * GraphQL subscriptions over WebSocket (graphql-transport-ws), on a `ws` server of our own so that
 * the socket has the limits HTTP has: the CORS origin allowlist (403 at the upgrade), a small maximum
 * message, a cap on sockets per client address and on subscriptions per socket, authentication at
 * connection_init (a refused token closes the socket, 4403), and every operation validated with the HTTP rules (depth, introspection depth,
 * width, complexity) and answered through the same error formatter. Only subscriptions are served
 * here; queries and mutations go over HTTP.
 */
@Injectable()
export class GraphqlWsServer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(GraphqlWsServer.name);
  private wss?: WebSocketServer;
  private disposable?: { dispose(): void | Promise<void> };
  private httpServer?: Server;
  private readonly perAddress = new Map<string, number>();
  private readonly origins: OriginPolicy;
  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head);

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly schemaHost: GraphQLSchemaHost,
    private readonly auth: AuthService,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
    private readonly metrics: GraphqlMetrics,
  ) {
    this.origins = new OriginPolicy(config.originPolicy);
  }

  /** Open sockets per client address (for tests and metrics). */
  connectionsFrom(address: string): number {
    return this.perAddress.get(address) ?? 0;
  }

  onApplicationBootstrap(): void {
    const format = createErrorFormatter(this.config.env);
    const formatAll = (errors: readonly GraphQLError[]) => errors.map((e) => format(e.toJSON(), e));
    const rules = [...specifiedRules, ...graphqlValidationRules({ introspection: this.config.introspection })];
    const metered = graphqlWsMetricsHooks(this.metrics);
    this.wss = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_PAYLOAD_BYTES });
    this.disposable = useServer<Record<string, unknown>, SocketExtra>(
      {
        onConnect: (ctx) => this.authenticate(ctx),
        onClose: (ctx) => clearTimeout(ctx.extra?.expiry),
        onSubscribe: (ctx, id, payload) => {
          metered.onSubscribe(ctx, id);
          const schema = this.schemaHost.schema;
          // The subscription being opened is already in ctx.subscriptions.
          const max = this.config.wsMaxSubscriptionsPerSocket;
          if (Object.keys(ctx.subscriptions).length > max) {
            metered.refused(ctx, id, payload);
            return [
              limitExceeded(
                `At most ${max} subscriptions per socket (WS_MAX_SUBSCRIPTIONS_PER_SOCKET); complete one you no longer read first, or open another socket.`,
                'WS_MAX_SUBSCRIPTIONS_PER_SOCKET',
                max,
              ),
            ];
          }
          const prepared = prepareSubscription(schema, payload, rules);
          if (Array.isArray(prepared)) {
            metered.refused(ctx, id, payload);
            return prepared;
          }
          const contextValue: GraphqlContext = { user: ctx.extra.user, loaders: new Map() };
          return { ...prepared, contextValue };
        },
        onNext: (_ctx, _id, _payload, _args, result: ExecutionResult) =>
          result.errors ? { ...result, errors: formatAll(result.errors.map(tagRequestError)) } : undefined,
        onError: (_ctx, _id, _payload, errors) => formatAll(errors.map(tagRequestError)),
        // Counts the operation; a subscription stays counted while its stream is open.
        onOperation: (ctx, id, payload, args, result) => metered.onOperation(ctx, id, payload, args, result),
      },
      this.wss,
    );
    this.httpServer = this.adapterHost.httpAdapter?.getHttpServer();
    this.httpServer?.on('upgrade', this.onUpgrade);
  }

  async onModuleDestroy(): Promise<void> {
    this.httpServer?.off('upgrade', this.onUpgrade);
    await this.disposable?.dispose();
    for (const client of this.wss?.clients ?? []) client.terminate();
    await new Promise<void>((resolve) => (this.wss ? this.wss.close(() => resolve()) : resolve()));
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const wss = this.wss;
    const path = (req.url ?? '').split('?')[0];
    if (!wss || path !== GRAPHQL_WS_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    // Browsers always send Origin on a WebSocket upgrade; the same allowlist as CORS applies, before any socket opens.
    if (!this.origins.allows(req.headers.origin, req.socket.localPort)) {
      const body = 'This origin may not open GraphQL WebSockets here: add it to CORS_ORIGINS.';
      socket.end(
        `HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      return;
    }
    const address = req.socket.remoteAddress ?? 'unknown';
    const open = this.perAddress.get(address) ?? 0;
    if (open >= this.config.wsMaxConnectionsPerAddress) {
      const body = `At most ${this.config.wsMaxConnectionsPerAddress} WebSocket connections per client address; close one first.`;
      socket.end(
        `HTTP/1.1 429 Too Many Requests\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      return;
    }
    this.perAddress.set(address, open + 1);
    let counted = true;
    const release = () => {
      if (!counted) return;
      counted = false;
      const left = (this.perAddress.get(address) ?? 1) - 1;
      if (left > 0) this.perAddress.set(address, left);
      else this.perAddress.delete(address);
    };
    socket.once('close', release);
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.once('close', release);
      const onError = (e: Error) => this.logger.debug(`WebSocket from ${address} closed: ${e.message}`);
      wss.emit('connection', ws, req);
      // A client error (a message over maxPayload, a bad frame) is the client's: ws already closed the
      // socket with the right code. graphql-ws would print it to the console as an internal error.
      for (const listener of ws.listeners('error')) ws.off('error', listener as (e: Error) => void);
      ws.on('error', onError);
    });
  }

  /** connection_init: the token in connectionParams.authorization, checked as on HTTP; refused closes the socket. */
  private authenticate(ctx: WsContext): boolean {
    const params = (ctx.connectionParams ?? {}) as Record<string, unknown>;
    let user: AuthUser;
    try {
      user = this.auth.verifyAuthorization(params.authorization ?? params.Authorization);
    } catch {
      return false; // graphql-ws closes with 4403 Forbidden
    }
    ctx.extra.user = user;
    // A socket lives as long as its token: at expiry it is closed, and the client reconnects with a new one.
    if (user.expiresAt) {
      ctx.extra.expiry = setTimeout(
        () => ctx.extra.socket?.close(4403, 'Forbidden: token expired; reconnect with a new token'),
        Math.max(0, Math.min(user.expiresAt - Date.now(), MAX_TIMER_MS)),
      );
      ctx.extra.expiry.unref?.();
    }
    return true;
  }
}

/** Parse, validate, check the operation kind and its cost: the execution arguments, or the errors to answer. */
export function prepareSubscription(schema: import('graphql').GraphQLSchema, payload: SubscribePayload, rules: typeof specifiedRules) {
  let document;
  try {
    document = parse(payload.query, { maxTokens: WS_MAX_DOCUMENT_TOKENS });
  } catch (e) {
    return [withCode(e as GraphQLError, 'GRAPHQL_PARSE_FAILED')];
  }
  const invalid = validate(schema, document, rules);
  if (invalid.length) return invalid.map((e) => withCode(e, 'GRAPHQL_VALIDATION_FAILED'));
  const operation = getOperationAST(document, payload.operationName);
  if (!operation) return [userError('Name the operation to run (operationName): the document has several, or none.')];
  try {
    assertComplexity(schema, document, payload.operationName, payload.variables);
  } catch (e) {
    return [e as GraphQLError];
  }
  if (operation.operation !== 'subscription') {
    return [
      userError(
        `Only subscriptions are served over WebSocket; send ${operation.operation === 'query' ? 'queries' : 'mutations'} with HTTP POST /graphql.`,
      ),
    ];
  }
  return { schema, document, operationName: payload.operationName, variableValues: payload.variables };
}

function withCode(e: GraphQLError, code: string): GraphQLError {
  if (e.extensions?.code) return e;
  return new GraphQLError(e.message, {
    nodes: e.nodes,
    source: e.source,
    positions: e.positions,
    path: e.path,
    extensions: { ...e.extensions, code },
  });
}

/** Errors raised by GraphQL itself about the request (bad variables), not by a resolver, are the caller's. */
function tagRequestError(e: GraphQLError): GraphQLError {
  return !e.extensions?.code && !e.originalError && !e.path ? withCode(e, 'BAD_USER_INPUT') : e;
}
