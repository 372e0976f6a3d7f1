import { ArgsType, Field, ID, Int } from '@nestjs/graphql';
import { IsBoolean, IsEnum, IsOptional, IsUUID } from 'class-validator';
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

/** A page of something of one connector. */
@ArgsType()
class ConnectorPageArgs {
  @Field(() => ID)
  @IsUUID('all', { message: UUID_MESSAGE })
  connectorId: string;

  @Field(() => Int, { nullable: true, defaultValue: 20 }) first?: number;
  @Field(() => String, { nullable: true }) after?: string;
}

@ArgsType()
export class SyncRunsArgs extends ConnectorPageArgs {
  @Field(() => Boolean, {
    nullable: true,
    defaultValue: true,
    description:
      'false: leave out quiet runs (succeeded without changing anything, e.g. a poll that only re-read its overlap window). ' +
      'Failed, cancelled, queued and running runs are always listed.',
  })
  @IsOptional()
  @IsBoolean()
  includeQuiet?: boolean = true;
}

@ArgsType()
export class SyncLogsArgs extends ConnectorPageArgs {
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
