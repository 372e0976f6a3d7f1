import { ArgsType, Field, GraphQLISODateTime, ID, Int } from '@nestjs/graphql';
import { IsBoolean, IsDate, IsOptional, IsUUID, Matches } from 'class-validator';

const CONNECTOR_ID = 'must be the id of a connector (a UUID), as returned by the connectors query';

@ArgsType()
export class VerifyConnectorArgs {
  @Field(() => ID)
  @IsUUID('all', { message: CONNECTOR_ID })
  connectorId: string;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Window start (Gorgias created_datetime); omitted: from the first.' })
  @IsOptional()
  @IsDate({ message: 'must be a date-time, e.g. 2026-01-01T00:00:00Z' })
  from?: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Window end; omitted: up to now.' })
  @IsOptional()
  @IsDate({ message: 'must be a date-time, e.g. 2026-01-31T00:00:00Z' })
  to?: Date | null;

  @Field(() => Boolean, { defaultValue: true, description: "Write what differs through the sync's write path; false: count only." })
  @IsBoolean()
  repair: boolean = true;
}

@ArgsType()
export class ConnectorVerificationArgs {
  @Field(() => ID)
  @IsUUID('all', { message: CONNECTOR_ID })
  connectorId: string;
}

@ArgsType()
export class SyncVerificationArgs {
  @Field(() => ID)
  @IsUUID('all', { message: 'must be the id of a verification (a UUID), as verifyConnector returns it' })
  id: string;
}

@ArgsType()
export class SyncVerificationsArgs extends ConnectorVerificationArgs {
  @Field(() => Int, { nullable: true, defaultValue: 20 }) first?: number;
  @Field(() => String, { nullable: true }) after?: string;
}

@ArgsType()
export class ResyncTicketArgs extends ConnectorVerificationArgs {
  @Field(() => ID, { description: 'The Gorgias ticket id.' })
  @Matches(/^[1-9]\d{0,17}$/, { message: 'must be a Gorgias ticket id (a positive integer), e.g. "12345"' })
  externalId: string;
}
