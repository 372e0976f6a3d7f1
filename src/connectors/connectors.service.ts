import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { GraphQLError } from 'graphql';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../auth/auth-user';
import { badUserInput, notFound } from '../common/graphql-errors';
import { assertUuid } from '../common/uuid';
import { appConfig, AppConfig } from '../config/app.config';
import { GorgiasCredentials } from '../gorgias/gorgias.types';
import { SecretUnreadableError } from '../secrets/secret-cipher';
import { adviceFor } from './connection-advice';
import { ConnectionCheckService } from './connection-check.service';
import { ConnectorPatch, ConnectorsRepository } from './connectors.repository';
import { ConnectorCredentials } from './credentials/connector-credentials';
import { ConnectorLifecycle } from './connector-lifecycle';
import { ConnectionCheck } from './api/models/connector.models';
import {
  CreateGorgiasConnectorInput,
  GorgiasCredentialsInput,
  rejectExplicitNulls,
  UpdateGorgiasConnectorInput,
} from './api/dto/gorgias-credentials.input';
import { ConnectorEntity, ConnectorProvider, ConnectorStatus } from './entities/connector.entity';

export const connectionCheckFailed = (check: ConnectionCheck) =>
  new GraphQLError(check.message, { extensions: { code: 'CONNECTION_CHECK_FAILED', checkCode: check.code } });

/** Connectors of a tenant: every read and write is scoped by the caller's tenant. */
@Injectable()
export class ConnectorsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly credentials: ConnectorCredentials,
    private readonly checker: ConnectionCheckService,
    private readonly lifecycle: ConnectorLifecycle,
    private readonly connectors: ConnectorsRepository,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {}

  list(user: AuthUser): Promise<ConnectorEntity[]> {
    return this.connectors.list(user.tenantId);
  }

  async find(user: AuthUser, id: string): Promise<ConnectorEntity | null> {
    assertUuid(id);
    return this.connectors.find(user.tenantId, id);
  }

  async get(user: AuthUser, id: string): Promise<ConnectorEntity> {
    const connector = await this.find(user, id);
    if (!connector) throw notFound('Connector', id);
    return connector;
  }

  checkCredentials(user: AuthUser, input: GorgiasCredentialsInput): Promise<ConnectionCheck> {
    return this.checker.check(input, user.tenantId);
  }

  async create(user: AuthUser, input: CreateGorgiasConnectorInput): Promise<ConnectorEntity> {
    await this.assertSubdomainFree(user, input.subdomain);
    // The id is the cipher's associated data: chosen first, so the row is inserted once, key included.
    const id = this.credentials.newConnectorId();
    return this.dataSource.transaction(async (m) => {
      await this.connectors.insert(m, {
        id,
        tenantId: user.tenantId,
        provider: ConnectorProvider.GORGIAS,
        name: input.name ?? `Gorgias (${input.subdomain})`,
        email: input.email,
        subdomain: input.subdomain,
        ...this.credentials.seal(id, input.apiKey),
        status: ConnectorStatus.DRAFT,
        syncIntervalMinutes: input.syncIntervalMinutes ?? this.config.sync.defaultIntervalMinutes,
      });
      return this.connectors.reload(m, user.tenantId, id);
    });
  }

  /**
   * Changing the email, key or subdomain of a connector that syncs (ACTIVE or ERROR) is checked
   * first: a failing check refuses the change and keeps the working credentials. A connector in
   * ERROR whose new credentials pass goes back to ACTIVE and syncs at once.
   */
  async update(user: AuthUser, id: string, input: UpdateGorgiasConnectorInput): Promise<ConnectorEntity> {
    rejectExplicitNulls(input);
    const current = await this.get(user, id);
    if (input.subdomain !== undefined && input.subdomain !== current.subdomain) {
      await this.assertSubdomainFree(user, input.subdomain);
      // Another subdomain is another Gorgias account: its ids would mix with the synced ones.
      if (await this.connectors.hasSyncedData({ tenantId: user.tenantId, connectorId: current.id })) {
        throw badUserInput(
          `subdomain: this connector already holds data synced from ${current.subdomain}.gorgias.com. ` +
            `To sync ${input.subdomain}.gorgias.com, add a new connector (or delete this one first).`,
          'subdomain',
        );
      }
    }
    const credentialsChanged =
      (input.email !== undefined && input.email !== current.email) ||
      (input.subdomain !== undefined && input.subdomain !== current.subdomain) ||
      input.apiKey !== undefined;
    let reactivate = false;
    const checked = credentialsChanged && (current.status === ConnectorStatus.ACTIVE || current.status === ConnectorStatus.ERROR);
    if (checked) {
      // A new key is checked as given: the old one is never decrypted (it may be unreadable, which is why it is replaced).
      const apiKey = input.apiKey ?? (await this.credentialsOrAdvice(current)).apiKey;
      const check = await this.checker.check(
        {
          email: input.email ?? current.email,
          subdomain: input.subdomain ?? current.subdomain,
          apiKey,
        },
        user.tenantId,
      );
      await this.connectors.recordCheck(user.tenantId, current.id, check);
      if (!check.ok) throw connectionCheckFailed(check);
      reactivate = current.status === ConnectorStatus.ERROR;
    }
    const updated = await this.dataSource.transaction(async (m) => {
      const patch: ConnectorPatch = {};
      if (input.name !== undefined) patch.name = input.name;
      if (input.email !== undefined) patch.email = input.email;
      if (input.subdomain !== undefined) patch.subdomain = input.subdomain;
      if (input.syncIntervalMinutes !== undefined) patch.syncIntervalMinutes = input.syncIntervalMinutes;
      if (reactivate) Object.assign(patch, { status: ConnectorStatus.ACTIVE, lastError: null, lastErrorCode: null });
      if (Object.keys(patch).length) await this.connectors.update(m, user.tenantId, current.id, patch);
      if (input.apiKey !== undefined) await this.credentials.store(m, { tenantId: user.tenantId, connectorId: current.id }, input.apiKey);
      // Credentials changed without a check (a draft, a paused connector): the old result no longer applies.
      if (credentialsChanged && !checked) await this.connectors.recordCheck(user.tenantId, current.id, null, m);
      const updated = await this.connectors.reload(m, user.tenantId, current.id);
      if (reactivate) await this.lifecycle.activated(m, updated);
      return updated;
    });
    if (reactivate) await this.lifecycle.afterActivated(updated);
    return updated;
  }

  /** One connector per Gorgias account and tenant (a unique index backs this up). */
  private async assertSubdomainFree(user: AuthUser, subdomain: string): Promise<void> {
    const existing = await this.connectors.findGorgiasBySubdomain(user.tenantId, subdomain);
    if (existing) {
      throw badUserInput(
        `subdomain: ${subdomain}.gorgias.com is already connected (connector "${existing.name}", ${existing.id}). ` +
          `Update or test that connector instead of adding the same account twice.`,
        'subdomain',
      );
    }
  }

  async testConnection(user: AuthUser, id: string): Promise<ConnectionCheck> {
    return this.checkAndRecord(user, await this.get(user, id));
  }

  /** Checks the saved credentials (an unreadable key is an answer too) and keeps the result (Connector.lastCheck). */
  private async checkAndRecord(user: AuthUser, connector: ConnectorEntity): Promise<ConnectionCheck> {
    let check: ConnectionCheck;
    try {
      check = await this.checker.check(
        await this.credentials.credentialsOf({ tenantId: connector.tenantId, connectorId: connector.id }),
        user.tenantId,
      );
    } catch (e) {
      if (!(e instanceof SecretUnreadableError)) throw e;
      const advice = adviceFor(e, connector.subdomain);
      check = { ok: false, code: advice.code, message: advice.message, accountDomain: null, canReadTickets: false, canReadMessages: false };
    }
    await this.connectors.recordCheck(user.tenantId, connector.id, check);
    return check;
  }

  /** "Save & Activate": refuses with the check's answer, else ACTIVE and the initial sync is enqueued. */
  async activate(user: AuthUser, id: string): Promise<ConnectorEntity> {
    const connector = await this.get(user, id);
    // Kept on the connector: a draft whose check failed says why (Connector.lastCheck).
    const check = await this.checkAndRecord(user, connector);
    if (!check.ok) throw connectionCheckFailed(check);
    const activated = await this.dataSource.transaction(async (m) => {
      await this.connectors.update(m, user.tenantId, connector.id, {
        status: ConnectorStatus.ACTIVE,
        lastError: null,
        lastErrorCode: null,
        nextSyncAt: 'now',
      });
      const updated = await this.connectors.reload(m, user.tenantId, connector.id);
      await this.lifecycle.activated(m, updated);
      return updated;
    });
    await this.lifecycle.afterActivated(activated);
    return activated;
  }

  async pause(user: AuthUser, id: string): Promise<ConnectorEntity> {
    const connector = await this.get(user, id);
    const paused = await this.dataSource.transaction(async (m) => {
      await this.connectors.update(m, user.tenantId, connector.id, { status: ConnectorStatus.PAUSED, nextSyncAt: null });
      const updated = await this.connectors.reload(m, user.tenantId, connector.id);
      await this.lifecycle.paused(m, updated);
      return updated;
    });
    await this.lifecycle.afterPaused(paused);
    return paused;
  }

  /** Removes the connector; its runs, logs, cursors and synced rows go with it (see ConnectorsRepository.delete). */
  async delete(user: AuthUser, id: string): Promise<boolean> {
    const connector = await this.get(user, id);
    await this.lifecycle.beforeDeleted(connector);
    return this.connectors.delete(user.tenantId, connector.id);
  }

  /** The credentials, or the Test Connection answer that asks for the key again (CONNECTION_CHECK_FAILED). */
  private async credentialsOrAdvice(connector: ConnectorEntity): Promise<GorgiasCredentials> {
    try {
      return await this.credentials.credentialsOf({ tenantId: connector.tenantId, connectorId: connector.id });
    } catch (e) {
      if (!(e instanceof SecretUnreadableError)) throw e;
      const advice = adviceFor(e, connector.subdomain);
      throw connectionCheckFailed({
        ok: false,
        code: advice.code,
        message: advice.message,
        accountDomain: null,
        canReadTickets: false,
        canReadMessages: false,
      });
    }
  }
}
