import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Paginated } from '../../../common/pagination/paginated';
import { VerificationStatus } from '../verification.types';

registerEnumType(VerificationStatus, { name: 'VerificationStatus' });

@ObjectType('VerificationDifference', { description: 'One record a verification found different (the report keeps the first 100).' })
export class VerificationDifferenceModel {
  @Field({ description: '"ticket" or "message".' }) object: string;
  @Field(() => ID, { description: 'The Gorgias id.' }) externalId: string;
  @Field({ description: '"missing" (in Gorgias, not here), "stale" (a stored field differs) or "extra" (here and live, not in Gorgias).' })
  kind: string;
  @Field(() => [String], { description: 'The stored columns that differed (stale only).' }) fields: string[];
}

@ObjectType('VerificationQuarantinedRecord', { description: 'A record Gorgias has that a sync could not store, and why.' })
export class VerificationQuarantinedModel {
  @Field() object: string;
  @Field(() => ID) externalId: string;
  @Field({ description: 'What PostgreSQL said when it refused the record.' }) reason: string;
}

@ObjectType('SyncVerification', {
  description: 'A comparison of a window of Gorgias with our copy, and (with repair) the fix of what differed.',
})
export class SyncVerificationModel {
  @Field(() => ID) id: string;
  @Field(() => ID) connectorId: string;
  @Field(() => VerificationStatus) status: VerificationStatus;
  @Field({ description: "Whether what differs is written (through the sync's own write path)." }) repair: boolean;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Window start (Gorgias created_datetime); null: from the first.' })
  from: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Window end; null: up to now.' }) to: Date | null;
  @Field(() => Int) ticketsChecked: number;
  @Field(() => Int, { description: 'In Gorgias, not here (or deleted here).' }) ticketsMissing: number;
  @Field(() => Int, { description: 'A stored field differs from Gorgias.' }) ticketsStale: number;
  @Field(() => Int, { description: 'Here and live, not in Gorgias (deleted there).' }) ticketsExtra: number;
  @Field(() => Int) messagesChecked: number;
  @Field(() => Int) messagesMissing: number;
  @Field(() => Int) messagesStale: number;
  @Field(() => Int, { description: 'Records Gorgias has that a sync could not store (PostgreSQL refused them): not counted as missing.' })
  quarantined: number;
  @Field(() => Int, { description: 'Rows written by the repair (tickets, messages, deletions).' }) repaired: number;
  @Field(() => Int) apiRequests: number;
  @Field({ description: 'SCHEDULE or MANUAL.' }) trigger: string;
  @Field({ description: 'What it is doing now, e.g. "verifying messages".' }) phase: string;
  @Field(() => [VerificationDifferenceModel], { description: 'The first 100 differing records, with the fields that differed.' })
  differences: VerificationDifferenceModel[];
  @Field(() => [VerificationQuarantinedModel], { description: 'The quarantined records met (first 100), with the reason.' })
  quarantinedRecords: VerificationQuarantinedModel[];
  @Field(() => GraphQLISODateTime) createdAt: Date;
  @Field(() => GraphQLISODateTime, { nullable: true }) startedAt: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) finishedAt: Date | null;
  @Field(() => String, { nullable: true }) error: string | null;
}

@ObjectType('SyncVerificationConnection')
export class SyncVerificationConnection extends Paginated(SyncVerificationModel) {}
