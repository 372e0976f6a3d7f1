import { GraphQLError } from 'graphql';

/** The error codes the portal is written against (see the GraphQL contract). */
export const unauthenticated = (reason = 'authentication required') =>
  new GraphQLError(`Unauthenticated: ${reason}. Send "Authorization: Bearer <token>".`, {
    extensions: { code: 'UNAUTHENTICATED' },
  });

export const forbidden = (message = 'Your role may not perform this operation; an admin token is required.') =>
  new GraphQLError(message, { extensions: { code: 'FORBIDDEN' } });

export const badUserInput = (message: string, field?: string) =>
  new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', ...(field ? { field } : {}) } });

/** Unknown ids and ids of another tenant give the same answer, so existence never leaks. */
export const notFound = (what: string, id: string) =>
  new GraphQLError(`${what} ${id} was not found.`, { extensions: { code: 'NOT_FOUND' } });

/** A per-tenant or per-socket cap was reached; `limit` names the setting (or constant), `max` its value. */
export const limitExceeded = (message: string, limit: string, max: number) =>
  new GraphQLError(message, { extensions: { code: 'LIMIT_EXCEEDED', limit, max } });
