import { Field, GraphQLISODateTime, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('SyncRunRetry', { description: 'A run waiting to retry after a failure (Gorgias unreachable, rate-limited...).' })
export class SyncRunRetry {
  @Field(() => Int, { description: 'Attempts made so far; the next one is attempt + 1.' }) attempt: number;
  @Field(() => GraphQLISODateTime, { description: 'When the next attempt may start (retrySyncNow: at once).' }) nextTryAt: Date;
}
