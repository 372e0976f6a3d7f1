import { Field, GraphQLISODateTime, ID, InputType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsBoolean, IsDate, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

export const MAX_FILTER_LENGTH = 200;
const tooLong = `must be at most ${MAX_FILTER_LENGTH} characters`;

@InputType('TicketFilter', { description: 'Every field is optional; the fields given must all match.' })
export class TicketFilter {
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID('all', { message: 'must be the id of a connector (a UUID), as returned by the connectors query' })
  connectorId?: string | null;

  @Field(() => String, { nullable: true, description: 'Exact Gorgias status, e.g. "open" or "closed".' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_FILTER_LENGTH, { message: tooLong })
  status?: string | null;

  @Field(() => String, { nullable: true, description: 'Exact Gorgias priority, e.g. "normal" or "high".' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_FILTER_LENGTH, { message: tooLong })
  priority?: string | null;

  @Field(() => String, { nullable: true, description: 'Exact Gorgias channel, e.g. "email" or "chat".' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_FILTER_LENGTH, { message: tooLong })
  channel?: string | null;

  @Field(() => String, { nullable: true, description: "The customer's email address (case-insensitive, exact)." })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_FILTER_LENGTH, { message: tooLong })
  customerEmail?: string | null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Only tickets updated at or after this instant.' })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'must be an ISO 8601 date-time, e.g. 2026-01-31T00:00:00Z' })
  updatedAfter?: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Only tickets updated before this instant.' })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'must be an ISO 8601 date-time, e.g. 2026-01-31T00:00:00Z' })
  updatedBefore?: Date | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Full-text search over subject, description and message bodies. Words are ANDed; "quoted phrases", OR and -word work as in web search engines.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_FILTER_LENGTH, { message: `must be at most ${MAX_FILTER_LENGTH} characters; search with fewer words` })
  search?: string | null;

  @Field(() => Boolean, { nullable: true, defaultValue: false, description: 'Also list tickets deleted or trashed in Gorgias.' })
  @IsOptional()
  @IsBoolean()
  includeDeleted?: boolean | null;
}
