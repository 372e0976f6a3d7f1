import { Field, GraphQLISODateTime, ID, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsBoolean, IsDate, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';

export const MAX_FILTER_LENGTH = 200;
const tooLong = `must be at most ${MAX_FILTER_LENGTH} characters`;
/** A Gorgias id: digits only, and at most 18 of them (so it always fits PostgreSQL's bigint). */
const GORGIAS_ID = /^[0-9]{1,18}$/;
const notGorgiasId = 'must be a Gorgias id: the numeric id shown in Gorgias (e.g. 12345)';

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

  @Field(() => ID, { nullable: true, description: 'Only tickets assigned to this agent (its Gorgias user id, see the agents query).' })
  @IsOptional()
  @Matches(GORGIAS_ID, { message: notGorgiasId })
  assigneeExternalId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Only tickets assigned to this team (its Gorgias team id, see the teams query).' })
  @IsOptional()
  @Matches(GORGIAS_ID, { message: notGorgiasId })
  teamExternalId?: string | null;

  @Field(() => String, { nullable: true, description: 'Only tickets carrying this tag (its name, ignoring case; see Ticket.tagList).' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_FILTER_LENGTH, { message: tooLong })
  tag?: string | null;

  @Field(() => Int, { nullable: true, description: 'Only tickets whose satisfaction survey scored at least this, 1 to 5.' })
  @IsOptional()
  @IsInt({ message: 'must be a whole score from 1 to 5' })
  @Min(1, { message: 'must be a score from 1 to 5' })
  @Max(5, { message: 'must be a score from 1 to 5' })
  minSatisfactionScore?: number | null;
}
