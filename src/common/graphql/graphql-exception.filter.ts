import { ArgumentsHost, Catch, Logger } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { GqlContextType } from '@nestjs/graphql';
import { GraphQLError } from 'graphql';

/** Answers about the caller's request, not failures of ours. */
const CLIENT_ERROR_CODES = new Set(['BAD_USER_INPUT', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'CONNECTION_CHECK_FAILED']);

/**
 * Nest logs every error a resolver throws at ERROR with its stack. A bad cursor or `first: 0` is the
 * client's mistake: logged at debug, one line, no stack. Unexpected errors are logged once, at
 * ERROR, by the GraphQL error formatter (which also masks them in production).
 */
@Catch()
export class GraphqlExceptionFilter extends BaseExceptionFilter {
  private readonly log = new Logger('GraphQL');

  override catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType<GqlContextType>() !== 'graphql') return super.catch(exception, host);
    const code = exception instanceof GraphQLError ? exception.extensions?.code : undefined;
    if (typeof code === 'string' && CLIENT_ERROR_CODES.has(code)) {
      this.log.debug(`${code}: ${(exception as GraphQLError).message}`);
    }
    return exception;
  }
}
