import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * A Connect-style middleware on Node's own request and response, as Nest runs them under Fastify
 * (through @fastify/middie), which also sets `originalUrl`.
 */
export type Middleware = (req: IncomingMessage & { originalUrl?: string }, res: ServerResponse, next: (err?: unknown) => void) => void;
