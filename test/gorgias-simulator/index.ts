/** Gorgias REST API simulator for tests, benchmarks and local development (see docs/gorgias-api.md). */
export { startGorgiasSimulator } from './server';
export type { GorgiasSimulator, SimulatorOptions } from './server';
export type { KeyOptions, Resource, Scope, SimAccount, SimAccountStats, AddAccountOptions } from './account';
export type { HttpIntegration, Trigger } from './webhooks/integrations';
export type { WebhookDelivery, WebhookDeliveryConfig } from './webhooks/delivery';
export { gorgiasDatetime } from './account';
export type { SimBehaviour } from './behaviour';
export { WORST_CASE } from './behaviour';
export type { MessagePatch } from './message-mutations';
export type { FaultConfig } from './faults';
export type { ActorOption, SimCoverage } from './account-coverage';
