import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'auth:isPublic';
/**
 * Marks a route (or controller) that needs no bearer token. Every route outside GraphQL declares
 * it explicitly when it is meant to be reachable without one (e.g. /health, and /webhooks/*, which checks its own secret).
 */
export const Public = () => SetMetadata(IS_PUBLIC, true);
