import { Field, GraphQLISODateTime, ObjectType } from '@nestjs/graphql';
import { ConnectionCheckCode } from './connector.models';

@ObjectType('ConnectorLastCheck', {
  description:
    'The last connection check of a saved connector (Test Connection, Save & Activate, new credentials): kept so a draft whose check failed shows why.',
})
export class ConnectorLastCheck {
  @Field() ok: boolean;
  @Field(() => ConnectionCheckCode, { description: "The setup guide's code (OK when the check passed)." }) code: ConnectionCheckCode;
  @Field({ description: 'What to check, in the words of the setup guide.' }) message: string;
  @Field(() => GraphQLISODateTime) checkedAt: Date;
}
