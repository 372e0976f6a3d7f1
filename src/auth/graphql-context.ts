import type { FastifyRequest } from 'fastify';
import { AuthUser } from './auth-user';

/** What every resolver receives: the HTTP request (absent on WebSocket) and the caller once known. */
export interface GraphqlContext {
  req?: FastifyRequest;
  user?: AuthUser;
  /** Per-request DataLoaders, created lazily by the modules that own them. */
  loaders: Map<string, unknown>;
}
