import { Field, Float, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { SyncLogLevel, SyncMode, SyncRunStatus } from '../../sync-run.types';

registerEnumType(SyncMode, {
  name: 'SyncMode',
  description:
    'INCREMENTAL reads what changed since the last run; FULL re-reads everything and marks what vanished; REFRESH re-reads the tickets Gorgias webhooks announced (started by webhooks only).',
});
registerEnumType(SyncRunStatus, { name: 'SyncRunStatus' });
registerEnumType(SyncLogLevel, { name: 'SyncLogLevel' });

@ObjectType('SyncRun')
export class SyncRun {
  @Field(() => ID) id: string;
  @Field(() => ID) connectorId: string;
  @Field(() => SyncMode) mode: SyncMode;
  @Field(() => SyncRunStatus) status: SyncRunStatus;
  @Field({ description: 'What the run is doing now, e.g. "reading messages".' }) phase: string;
  @Field(() => GraphQLISODateTime, { nullable: true }) startedAt: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) finishedAt: Date | null;
  @Field(() => Int, {
    description: 'Tickets the run stored new or changed (a ticket read again unchanged is not counted; see ticketsRead).',
  })
  ticketsSynced: number;
  @Field(() => Int, { description: 'Messages the run stored new or changed (see messagesRead).' }) messagesSynced: number;
  @Field(() => Int, { description: 'Tickets the run read from Gorgias, changed or not.' }) ticketsRead: number;
  @Field(() => Int, { description: 'Messages the run read from Gorgias, changed or not.' }) messagesRead: number;
  @Field({ description: 'Whether the run changed any stored ticket or message (synced or deleted something).' }) changed: boolean;
  @Field(() => Int) ticketsDeleted: number;
  @Field(() => Int) apiRequests: number;
  @Field(() => Int, { description: 'Times the run waited for the Gorgias rate limit.' }) rateLimitWaits: number;
  @Field(() => Int, { nullable: true }) ticketsTotal: number | null;
  @Field(() => Float, { description: 'How far the run is, 0 to 100, as of its last saved page (live: syncProgress).' }) percent: number;
  @Field(() => String, { nullable: true }) error: string | null;
  @Field(() => GraphQLISODateTime) createdAt: Date;
}

@ObjectType('SyncLogEntry')
export class SyncLogEntry {
  @Field(() => ID) id: string;
  @Field(() => ID) connectorId: string;
  @Field(() => ID, { nullable: true }) runId: string | null;
  @Field(() => SyncLogLevel) level: SyncLogLevel;
  @Field() message: string;
  @Field(() => GraphQLISODateTime) at: Date;
}

@ObjectType('SyncProgress')
export class SyncProgress {
  @Field(() => ID) connectorId: string;
  @Field(() => ID) runId: string;
  @Field(() => SyncRunStatus) status: SyncRunStatus;
  @Field() phase: string;
  @Field(() => Int) ticketsSynced: number;
  @Field(() => Int) messagesSynced: number;
  @Field(() => Int, { nullable: true, description: 'Estimated number of tickets this run reads.' }) ticketsTotal: number | null;
  @Field(() => Float, { nullable: true }) percent: number | null;
  @Field(() => GraphQLISODateTime) at: Date;
}
