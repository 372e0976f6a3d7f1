import { Field, ObjectType, Query, Resolver } from '@nestjs/graphql';
import type { AuthUser } from './auth-user';
import { CurrentUser } from './current-user.decorator';

@ObjectType({ description: 'The caller, as the token says.' })
export class Viewer {
  @Field() tenantId: string;
  @Field() role: string;
}

@Resolver(() => Viewer)
export class ViewerResolver {
  @Query(() => Viewer, { description: 'Who the token belongs to: a quick check that auth works.' })
  viewer(@CurrentUser() user: AuthUser): Viewer {
    return { tenantId: user.tenantId, role: user.role };
  }
}
