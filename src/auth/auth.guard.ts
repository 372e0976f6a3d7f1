import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlContextType, GqlExecutionContext } from '@nestjs/graphql';
import { forbidden, unauthenticated } from '../common/graphql-errors';
import { AuthService, InvalidTokenError } from './auth.service';
import { IS_PUBLIC } from './public.decorator';
import { GraphqlContext } from './graphql-context';

/**
 * The one gate every resolver and route goes through: a valid token, and the admin role for any
 * mutation (readers read). Subscriptions were authenticated when their socket connected.
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
    if (context.getType<GqlContextType>() !== 'graphql') {
      // Routes outside GraphQL are all @Public() (health, webhooks); any other is refused.
      throw unauthenticated();
    }
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
}
