import { Field, GraphQLISODateTime, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum RealtimeMode {
  WEBHOOKS = 'WEBHOOKS',
  POLLING = 'POLLING',
}

registerEnumType(RealtimeMode, {
  name: 'RealtimeMode',
  description:
    'WEBHOOKS: Gorgias announces changes and they are re-read within seconds (polling stays as the safety net). POLLING: changes arrive with the next poll.',
});

@ObjectType('ConnectorRealtime', { description: 'How changes in Gorgias reach this connector.' })
export class ConnectorRealtime {
  @Field(() => RealtimeMode, {
    description:
      'WEBHOOKS when our webhook is registered in Gorgias or one added by hand has posted in the last 30 minutes, and its secret can be read; else POLLING.',
  })
  mode: RealtimeMode;

  @Field(() => String, {
    nullable: true,
    description: "Where Gorgias posts this connector's webhooks (null when PUBLIC_BASE_URL is not set).",
  })
  webhookUrl: string | null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When the last authentic webhook arrived.' })
  lastWebhookAt: Date | null;

  @Field(() => String, {
    nullable: true,
    description:
      "When Gorgias refused to register the webhook (the API key is not an admin's): the steps for a Gorgias admin to add it by hand. " +
      'The secret is never shown here: `rotateWebhookSecret` makes a new one and returns it once.',
  })
  manualSetup: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      "Why Gorgias' webhooks cannot reach this connector now, and the fix (e.g. a webhook secret no configured " +
      'encryption key decrypts: rotate it with `rotateWebhookSecret`). Null when nothing is wrong.',
  })
  error: string | null;
}
