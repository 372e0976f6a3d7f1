import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'auth:isPublic';
/** Marks a route that needs no user token: /health, and /webhooks/* (which checks its own secret). */
export const Public = () => SetMetadata(IS_PUBLIC, true);
