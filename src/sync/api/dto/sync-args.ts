import { ArgsType, Field, ID, Int } from '@nestjs/graphql';
import { IsEnum, IsOptional, IsUUID } from 'class-validator';
import { SyncLogLevel, SyncMode } from '../../sync-run.types';

const UUID_MESSAGE = 'must be the id of a connector (a UUID), as returned by the connectors query';

@ArgsType()
export class TriggerSyncArgs {
  @Field(() => ID)
  @IsUUID('all', { message: UUID_MESSAGE })
  connectorId: string;

  @Field(() => SyncMode, { defaultValue: SyncMode.INCREMENTAL })
  @IsEnum(SyncMode)
  mode: SyncMode = SyncMode.INCREMENTAL;
}

@ArgsType()
export class SyncRunsArgs {
  @Field(() => ID)
  @IsUUID('all', { message: UUID_MESSAGE })
  connectorId: string;

  @Field(() => Int, { nullable: true, defaultValue: 20 }) first?: number;
  @Field(() => String, { nullable: true }) after?: string;
}

@ArgsType()
export class SyncLogsArgs extends SyncRunsArgs {
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID('all', { message: 'must be the id of a sync run (a UUID)' })
  runId?: string;

  @Field(() => SyncLogLevel, { nullable: true })
  @IsOptional()
  @IsEnum(SyncLogLevel)
  level?: SyncLogLevel;
}

@ArgsType()
export class SyncProgressArgs {
  @Field(() => ID)
  @IsUUID('all', { message: UUID_MESSAGE })
  connectorId: string;
}
