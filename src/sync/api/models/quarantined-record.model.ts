import { Field, GraphQLISODateTime, ID, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('QuarantinedRecord', {
  description:
    'A Gorgias record a sync could not store (PostgreSQL refused it even after cleaning): skipped so the rest syncs; read again when it changes in Gorgias or by a FULL sync.',
})
export class QuarantinedRecord {
  @Field({ description: '"ticket" or "message".' }) objectType: string;
  @Field(() => ID, { description: 'The Gorgias id of the ticket or message.' }) externalId: string;
  @Field({ description: "Why it was refused, in the database's words." }) reason: string;
  @Field(() => String, { nullable: true, description: 'The PostgreSQL SQLSTATE, when there was one.' }) sqlstate: string | null;
  @Field(() => Int, { description: 'How many times a sync was refused it.' }) attempts: number;
  @Field(() => ID, { nullable: true, description: 'The last run that was refused it.' }) runId: string | null;
  @Field(() => GraphQLISODateTime) firstSeenAt: Date;
  @Field(() => GraphQLISODateTime) lastSeenAt: Date;
}
