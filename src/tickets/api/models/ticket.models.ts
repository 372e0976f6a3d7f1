import { Field, GraphQLISODateTime, ID, Int, ObjectType } from '@nestjs/graphql';
import type { Instant } from '../../../common/graphql/strict-date-time';

@ObjectType('Customer', { description: 'The customer of a ticket, as Gorgias knows them.' })
export class Customer {
  @Field(() => ID, { nullable: true, description: 'The Gorgias customer id.' }) externalId: string | null;
  @Field(() => String, { nullable: true }) email: string | null;
  @Field(() => String, { nullable: true }) name: string | null;
}

@ObjectType('Participant', { description: 'The sender or receiver of a message.' })
export class Participant {
  @Field(() => String, { nullable: true }) email: string | null;
  @Field(() => String, { nullable: true }) name: string | null;
}

@ObjectType('Attachment', { description: 'A file attached to a message (stored at Gorgias; only its link is kept).' })
export class Attachment {
  @Field() url: string;
  @Field(() => String, { nullable: true }) name: string | null;
  @Field(() => Int, { nullable: true, description: 'Size in bytes.' }) size: number | null;
  @Field(() => String, { nullable: true }) contentType: string | null;
}

@ObjectType('Message', { description: 'One message of a ticket (email, chat, internal note...).' })
export class Message {
  @Field(() => ID) id: string;
  @Field(() => ID, { description: 'The Gorgias message id.' }) externalId: string;
  @Field(() => ID, { description: 'The id of the ticket this message belongs to.' }) ticketId: string;
  @Field(() => String, { nullable: true }) channel: string | null;
  @Field(() => String, { nullable: true }) via: string | null;
  @Field({ description: 'Whether an agent (not the customer) wrote it.' }) fromAgent: boolean;
  @Field({ description: 'False for internal notes.' }) public: boolean;
  @Field(() => Participant, { nullable: true }) sender: Participant | null;
  @Field(() => Participant, { nullable: true }) receiver: Participant | null;
  @Field(() => String, { nullable: true }) subject: string | null;
  @Field(() => String, { nullable: true }) bodyText: string | null;
  @Field(() => String, { nullable: true }) bodyHtml: string | null;
  @Field(() => GraphQLISODateTime) createdAt: Instant;
  @Field(() => GraphQLISODateTime, { nullable: true }) sentAt: Instant | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When Gorgias failed to send it (set after creation); null otherwise.' })
  failedAt: Date | null;
  @Field(() => [Attachment]) attachments: Attachment[];

  /** Sort key of the row with full (microsecond) precision, for cursors. Not exposed. */
  createdAtKey: string;
}

@ObjectType('Ticket', { description: 'A Gorgias ticket, as last synced.' })
export class Ticket {
  @Field(() => ID) id: string;
  @Field(() => ID) connectorId: string;
  @Field(() => ID, { description: 'The Gorgias ticket id.' }) externalId: string;
  @Field(() => String, { nullable: true }) subject: string | null;
  @Field(() => String, { nullable: true, description: "The first message's text (the excerpt when there is none)." })
  description: string | null;
  @Field() status: string;
  @Field(() => String, { nullable: true }) priority: string | null;
  @Field(() => String, { nullable: true }) channel: string | null;
  @Field(() => String, { nullable: true }) via: string | null;
  @Field(() => String, { nullable: true }) language: string | null;
  @Field(() => [String]) tags: string[];
  @Field(() => Int, { description: 'The number of messages Gorgias reports for the ticket.' }) messagesCount: number;
  @Field(() => GraphQLISODateTime) createdAt: Instant;
  @Field(() => GraphQLISODateTime) updatedAt: Instant;
  @Field(() => GraphQLISODateTime, { nullable: true }) closedAt: Instant | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) lastMessageAt: Instant | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When the ticket was deleted (or trashed) in Gorgias; null while live.' })
  deletedAt: Instant | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When the ticket was moved to the Gorgias trash.' })
  trashedAt: Instant | null;
  @Field({ description: 'Whether Gorgias marked the ticket as spam.' }) spam: boolean;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Snoozed in Gorgias until this instant; null when not snoozed.' })
  snoozedUntil: Instant | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When an agent first answered in a public message; null until then.' })
  firstAgentReplyAt: Instant | null;

  // `customer` and `messages` are resolved in TicketsResolver, the coverage fields (assignee, team, tagList,
  // satisfaction, customFields, history) in TicketCoverageResolver (batched). Internal, not exposed:
  assigneeExternalId: string | null;
  teamExternalId: string | null;
  customerExternalId: string | null;
  customerEmail: string | null;
  customerName: string | null;
  /** Sort key of the row with full (microsecond) precision, for cursors. */
  updatedAtKey: string;
}
