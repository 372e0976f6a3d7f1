import { ArgsType, Field, ID, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { TicketFilter } from './ticket-filter.input';

export const DEFAULT_TICKETS_PAGE = 20;
export const DEFAULT_MESSAGES_PAGE = 50;

@ArgsType()
export class TicketsArgs {
  @Field(() => TicketFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => TicketFilter)
  filter?: TicketFilter | null;

  @Field(() => Int, { nullable: true, defaultValue: DEFAULT_TICKETS_PAGE, description: 'Page size, 1 to 100.' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'The endCursor of the previous page.' })
  @IsOptional()
  @IsString()
  @MaxLength(1000, { message: 'is not a valid cursor; pass the endCursor of the previous page unchanged' })
  after?: string | null;
}

@ArgsType()
export class TicketArgs {
  @Field(() => ID)
  id: string;
}

@ArgsType()
export class TicketByExternalIdArgs {
  @Field(() => ID, { description: 'The connector the ticket was synced by.' })
  connectorId: string;

  @Field(() => ID, { description: 'The Gorgias ticket id.' })
  externalId: string;
}
