import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { ConnectorEntity } from '../entities/connector.entity';
import { ConnectionCheckCode, Connector } from './models/connector.models';
import { ConnectorLastCheck } from './models/connector-last-check.model';

/** Connector.lastCheck: the stored result of the last connection check (migration 095). */
@Resolver(() => Connector)
export class ConnectorLastCheckResolver {
  @ResolveField(() => ConnectorLastCheck, {
    nullable: true,
    description: 'The last connection check: null until one ran, and after credentials changed without a check.',
  })
  lastCheck(@Parent() c: ConnectorEntity): ConnectorLastCheck | null {
    if (c.lastCheckOk === null || c.lastCheckOk === undefined || !c.lastCheckedAt) return null;
    return {
      ok: c.lastCheckOk,
      code: (c.lastCheckCode as ConnectionCheckCode) ?? ConnectionCheckCode.OK,
      message: c.lastCheckMessage ?? '',
      checkedAt: c.lastCheckedAt,
    };
  }
}
