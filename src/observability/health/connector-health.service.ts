import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import type { AuthUser } from '../../auth/auth-user';
import { GraphqlContext } from '../../auth/graphql-context';
import { unauthenticated } from '../../common/graphql-errors';
import { connectorHealth, ConnectorHealthFacts, ConnectorHealthValue } from './connector-health';
import { ConnectorHealthRepository } from './connector-health.repository';

const LOADER = 'observability.connectorHealth';

/** Connector health for the API (batched per request) and for the metrics scrape. */
@Injectable()
export class ConnectorHealthService {
  constructor(private readonly repository: ConnectorHealthRepository) {}

  /** The request's loader: one query for the health of every connector in the answer. */
  loader(ctx: GraphqlContext): DataLoader<string, ConnectorHealthValue> {
    let loader = ctx.loaders.get(LOADER) as DataLoader<string, ConnectorHealthValue> | undefined;
    if (!loader) {
      const user: AuthUser | undefined = ctx.user;
      if (!user) throw unauthenticated();
      loader = new DataLoader(async (ids) => {
        const now = new Date();
        const byId = new Map((await this.repository.factsOf(user.tenantId, ids)).map((f) => [f.connectorId, connectorHealth(f, now)]));
        return ids.map((id) => byId.get(id) ?? new Error(`connector ${id} not found`));
      });
      ctx.loaders.set(LOADER, loader);
    }
    return loader;
  }

  /** Facts and health of every connector, all tenants (metrics only: labels carry connector ids alone). */
  async all(): Promise<{ facts: ConnectorHealthFacts; health: ConnectorHealthValue }[]> {
    const now = new Date();
    return (await this.repository.allFacts()).map((facts) => ({ facts, health: connectorHealth(facts, now) }));
  }
}
