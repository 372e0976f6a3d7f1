import { Logger } from '@nestjs/common';
import { GraphQLError, GraphQLFormattedError } from 'graphql';

const logger = new Logger('GraphQL');

/**
 * What a client sees of an error, the same over HTTP and WebSocket: unexpected errors are logged
 * here (the only place they are logged at ERROR) and, in production, answered as a bare
 * "Internal server error"; stack traces never leave the server.
 */
export function createErrorFormatter(env: string) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    if (code === 'INTERNAL_SERVER_ERROR' || code === undefined) {
      const original = (error as GraphQLError)?.originalError ?? error;
      logger.error({ err: original }, 'unhandled error in a GraphQL operation');
      if (env === 'production') {
        return { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' }, path: formatted.path };
      }
    }
    const { stacktrace: _s, originalError: _o, ...extensions } = (formatted.extensions ?? {}) as Record<string, unknown>;
    return { ...formatted, extensions };
  };
}
