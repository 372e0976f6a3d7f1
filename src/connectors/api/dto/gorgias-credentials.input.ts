import { Field, InputType, Int, PartialType } from '@nestjs/graphql';
import { Transform } from 'class-transformer';
import { IsEmail, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { badUserInput } from '../../../common/graphql-errors';
import { normalizeGorgiasSubdomain, SUBDOMAIN_HELP, SUBDOMAIN_PATTERN } from '../../gorgias-subdomain';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
/** Keeps what cannot be normalised as typed, so the error message can show it. */
const toSubdomain = ({ value }: { value: unknown }) => normalizeGorgiasSubdomain(value) ?? value;

export const MIN_SYNC_INTERVAL_MINUTES = 5;
export const MAX_SYNC_INTERVAL_MINUTES = 1440;

@InputType({ description: 'What the Add Connector form asks for.' })
export class GorgiasCredentialsInput {
  @Field({ description: 'The email you log in to Gorgias with.' })
  @Transform(trim)
  @IsEmail({}, { message: 'must be the email address you log in to Gorgias with, e.g. you@company.com' })
  @MaxLength(320, { message: 'must be at most 320 characters' })
  email: string;

  @Field({ description: 'The API key from Gorgias Settings > REST API. Write-only.' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty({ message: 'must not be empty: copy the key from Gorgias Settings > REST API' })
  @MaxLength(512, { message: 'is too long (at most 512 characters): paste only the API key' })
  @Matches(/^\S+$/, { message: 'must not contain spaces: paste only the API key' })
  apiKey: string;

  @Field({ description: 'Your Gorgias subdomain: "company" for https://company.gorgias.com (a pasted URL is accepted).' })
  @Transform(toSubdomain)
  @IsString()
  @Matches(SUBDOMAIN_PATTERN, { message: `is not a Gorgias subdomain. ${SUBDOMAIN_HELP}` })
  subdomain: string;
}

@InputType()
export class CreateGorgiasConnectorInput extends GorgiasCredentialsInput {
  @Field({ nullable: true, description: 'A name for this connector; defaults to "Gorgias (subdomain)".' })
  @Transform(trim)
  @IsOptional()
  @IsString()
  @IsNotEmpty({ message: 'must not be empty when given' })
  @MaxLength(200, { message: 'must be at most 200 characters' })
  name?: string;

  @Field(() => Int, {
    nullable: true,
    description:
      'The longest gap between two polls, 5 to 1440 minutes: a connector polls every SYNC_POLL_SECONDS (60 by default) or this, whichever is shorter, webhooks or not.',
  })
  @IsOptional()
  @IsInt()
  @Min(MIN_SYNC_INTERVAL_MINUTES, { message: `must be at least ${MIN_SYNC_INTERVAL_MINUTES} minutes` })
  @Max(MAX_SYNC_INTERVAL_MINUTES, { message: `must be at most ${MAX_SYNC_INTERVAL_MINUTES} minutes (one day)` })
  syncIntervalMinutes?: number;
}

@InputType({ description: 'Only the fields given change; a field cannot be set to null (leave it out to keep its value).' })
export class UpdateGorgiasConnectorInput extends PartialType(CreateGorgiasConnectorInput) {}

/**
 * GraphQL lets a client send `email: null` for an optional field; every field of a connector is
 * required once set, so null is refused naming the field instead of reaching the database.
 */
export function rejectExplicitNulls(input: object): void {
  const nulls = Object.entries(input)
    .filter(([, v]) => v === null)
    .map(([k]) => k);
  if (nulls.length) {
    throw badUserInput(
      nulls.map((k) => `${k}: must not be null; leave the field out to keep its current value`).join('; '),
      nulls.length === 1 ? nulls[0] : undefined,
    );
  }
}
