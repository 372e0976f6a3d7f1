import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ConnectionCheckCode, ConnectionCheckResult } from '../../connection-check.types';
import { ConnectorProvider, ConnectorStatus } from '../../entities/connector.entity';

// Re-exported: the GraphQL enum is registered here, the enum itself lives beside the check (no GraphQL there).
export { ConnectionCheckCode };

registerEnumType(ConnectorProvider, { name: 'ConnectorProvider' });
registerEnumType(ConnectorStatus, { name: 'ConnectorStatus' });
registerEnumType(ConnectionCheckCode, { name: 'ConnectionCheckCode' });

@ObjectType('Connector', { description: 'A Gorgias account connected by a tenant. The API key itself is never readable.' })
export class Connector {
  @Field(() => ID) id: string;
  @Field(() => ConnectorProvider) provider: ConnectorProvider;
  @Field() name: string;
  @Field(() => ConnectorStatus) status: ConnectorStatus;
  @Field() email: string;
  @Field() subdomain: string;
  @Field({ description: 'Last four characters of the API key, to tell keys apart.' }) apiKeyLast4: string;
  @Field(() => Int) syncIntervalMinutes: number;
  @Field(() => GraphQLISODateTime, { nullable: true }) lastSyncedAt: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) nextSyncAt: Date | null;
  @Field(() => String, { nullable: true, description: 'What went wrong last, with what to check.' }) lastError: string | null;
  @Field(() => GraphQLISODateTime) createdAt: Date;
  @Field(() => GraphQLISODateTime) updatedAt: Date;
}

@ObjectType('ConnectionCheck', { description: 'The answer of "Test Connection".' })
export class ConnectionCheck implements ConnectionCheckResult {
  @Field() ok: boolean;
  @Field(() => ConnectionCheckCode) code: ConnectionCheckCode;
  @Field({ description: 'What to check, in the words of the setup guide.' }) message: string;
  @Field(() => String, { nullable: true }) accountDomain: string | null;
  @Field() canReadTickets: boolean;
  @Field() canReadMessages: boolean;
}
