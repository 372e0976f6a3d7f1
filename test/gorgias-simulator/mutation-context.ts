import type { SimBehaviour } from './behaviour';
import type { AccountStore } from './store';
import type { Trigger, TriggerPayload } from './webhooks/integrations';

/** What every mutation works with. */
export interface MutationContext {
  store: AccountStore;
  rng: () => number;
  /** The account's current answers to undocumented behaviours. */
  behaviour(): SimBehaviour;
  /** Tells the HTTP integrations (webhooks) about a change; they render and send asynchronously. */
  fire(trigger: Trigger, payload: TriggerPayload): void;
}
