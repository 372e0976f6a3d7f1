import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlContextType, GqlExecutionContext } from '@nestjs/graphql';
import type { FastifyRequest } from 'fastify';
import { forbidden, unauthenticated } from '../common/graphql-errors';
import type { AuthUser } from './auth-user';
import { AuthService, InvalidTokenError } from './auth.service';
import { IS_PUBLIC } from './public.decorator';
import { GraphqlContext } from './graphql-context';

/**
 * The one gate every resolver and route goes through: a valid token, and the admin role for any
 * mutation (readers read). Subscriptions were authenticated when their socket connected. A route
 * that needs no token says so with @Public(); every other HTTP route needs a bearer token too.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    if (isPublic) return true;
    if (context.getType<GqlContextType>() !== 'graphql') return this.checkHttp(context);
    const gqlContext = GqlExecutionContext.create(context);
    const ctx = gqlContext.getContext<GraphqlContext>();
    if (!ctx.user) {
      try {
        ctx.user = this.auth.verifyAuthorization(ctx.req?.headers?.authorization);
      } catch (e) {
        throw unauthenticated(e instanceof InvalidTokenError ? e.message : undefined);
      }
    }
    const operation = gqlContext.getInfo()?.operation?.operation;
    if (operation === 'mutation' && ctx.user.role !== 'admin') throw forbidden();
    return true;
  }

  /** A route outside GraphQL that is not @Public(): a valid bearer token (401), admin for anything but reads (403). */
  private checkHttp(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') throw new UnauthorizedException('authentication required');
    const req = context.switchToHttp().getRequest<FastifyRequest & { user?: AuthUser }>();
    try {
      req.user = this.auth.verifyAuthorization(req.headers?.authorization);
    } catch (e) {
      const reason = e instanceof InvalidTokenError ? e.message : 'authentication required';
      throw new UnauthorizedException(`Unauthenticated: ${reason}. Send "Authorization: Bearer <token>".`);
    }
    if (!['GET', 'HEAD', 'OPTIONS'].includes(req.method) && req.user.role !== 'admin') {
      throw new ForbiddenException('Your role may not perform this operation; an admin token is required.');
    }
    return true;
  }
}
