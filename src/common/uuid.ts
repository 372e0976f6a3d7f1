import { GraphQLError } from 'graphql';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(id: unknown): boolean {
  return typeof id === 'string' && UUID.test(id);
}

/** BAD_USER_INPUT naming `field` unless `id` is a UUID (checked before it reaches a query). */
export function assertUuid(id: string, field = 'id'): void {
  if (!UUID.test(id)) {
    throw new GraphQLError(`${field}: "${String(id).slice(0, 60)}" is not a valid id; use the id returned by the API (a UUID).`, {
      extensions: { code: 'BAD_USER_INPUT', field },
    });
  }
}
