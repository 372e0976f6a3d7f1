import { ArgsType, Field, ID, Int } from '@nestjs/graphql';
import { IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

export const DEFAULT_CHANGES_PAGE = 100;
const CONNECTOR_ID_MESSAGE =
  'must be the id of a connector (a UUID), as returned by the connectors query; omit it to follow every connector of the tenant';
const CURSOR_MESSAGE = 'is not a valid change feed cursor; pass a cursor returned by ticketChanges or ticketChangesCursor unchanged';

@ArgsType()
export class TicketChangesCursorArgs {
  @Field(() => ID, { nullable: true, description: "Only this connector's tickets; omitted: every connector of the tenant." })
  @IsOptional()
  @IsUUID('all', { message: CONNECTOR_ID_MESSAGE })
  connectorId?: string | null;
}

@ArgsType()
export class TicketChangesSubscriptionArgs extends TicketChangesCursorArgs {
  @Field(() => String, { nullable: true, description: 'A cursor from an earlier answer; omitted: from the beginning (every ticket once).' })
  @IsOptional()
  @IsString()
  @MaxLength(200, { message: CURSOR_MESSAGE })
  after?: string | null;
}

@ArgsType()
export class TicketChangesArgs extends TicketChangesSubscriptionArgs {
  @Field(() => Int, { nullable: true, defaultValue: DEFAULT_CHANGES_PAGE, description: 'Page size, 1 to 100.' })
  first?: number | null;
}
