import { Field, GraphQLISODateTime, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ConnectorHealthState } from './connector-health';

registerEnumType(ConnectorHealthState, {
  name: 'ConnectorHealthState',
  description: 'HEALTHY; DEGRADED: stale, rate-limited, or the last sync failed; FAILING: stopped, or several syncs in a row failed.',
});

@ObjectType('ConnectorHealth', { description: 'One badge for the portal; operators alert on cxconnect_connector_health_state.' })
export class ConnectorHealth {
  @Field(() => ConnectorHealthState) state: ConnectorHealthState;
  @Field(() => String, { nullable: true, description: 'Why the state is what it is, in words for the user.' }) reason: string | null;
  @Field(() => Int, { description: 'Failed syncs since the last successful one.' }) consecutiveFailures: number;
  @Field(() => GraphQLISODateTime, { nullable: true }) lastSuccessAt: Date | null;
}
