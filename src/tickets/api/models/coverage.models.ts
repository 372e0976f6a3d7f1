import { Field, GraphQLISODateTime, ID, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('Agent', { description: 'A Gorgias user (agent) of the account.' })
export class Agent {
  @Field(() => ID, { description: 'The Gorgias user id.' }) externalId: string;
  @Field(() => String, { nullable: true }) name: string | null;
  @Field(() => String, { nullable: true }) email: string | null;
  @Field(() => String, { nullable: true, description: 'The Gorgias role, e.g. "agent" or "admin".' }) role: string | null;
  @Field({ description: 'False once the user is deactivated in Gorgias.' }) active: boolean;
  /** The connector the agent belongs to (batches key on it). Not exposed. */
  connectorId: string;
}

@ObjectType('Team', { description: 'A Gorgias team.' })
export class Team {
  @Field(() => ID, { description: 'The Gorgias team id.' }) externalId: string;
  @Field() name: string;
}

@ObjectType('Tag', { description: 'A Gorgias tag.' })
export class Tag {
  @Field(() => ID, { description: 'The Gorgias tag id.' }) externalId: string;
  @Field() name: string;
}

@ObjectType('SatisfactionSurvey', { description: "The customer's satisfaction survey of a ticket (CSAT)." })
export class SatisfactionSurvey {
  @Field(() => ID, { description: 'The Gorgias survey id.' }) externalId: string;
  @Field(() => Int, { nullable: true, description: 'From 1 to 5; null until the customer answers.' }) score: number | null;
  @Field(() => String, { nullable: true, description: "The customer's comment." }) comment: string | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) sentAt: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) scoredAt: Date | null;
}

@ObjectType('CustomFieldValue', { description: 'The value of a ticket field an admin defined in Gorgias.' })
export class CustomFieldValue {
  @Field(() => ID, { description: 'The Gorgias custom field id.' }) fieldId: string;
  @Field({ description: "The field's label (its id when the definition is not synced)." }) label: string;
  @Field(() => String, { nullable: true, description: 'The Gorgias value as text (JSON text for lists and objects).' })
  value: string | null;
}

@ObjectType('TicketEvent', { description: "One change of a ticket's assignment, team, status or tags, from Gorgias' events." })
export class TicketEvent {
  @Field(() => ID, { description: 'The Gorgias event id.' }) externalId: string;
  @Field({ description: 'The Gorgias event type, e.g. "ticket-assigned" or "ticket-tags-added".' }) type: string;
  @Field(() => GraphQLISODateTime) at: Date;
  @Field(() => String, { nullable: true, description: 'The status the ticket took (status events).' }) status: string | null;
  @Field(() => [String]) tagsAdded: string[];
  @Field(() => [String]) tagsRemoved: string[];

  // `actor`, `assignee` and `team` are resolved in TicketEventResolver (batched). Internal, not exposed:
  connectorId: string;
  actorExternalId: string | null;
  assigneeExternalId: string | null;
  teamExternalId: string | null;
  /** `at` with microseconds, for cursors. */
  atKey: string;
}
