import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../../auth/auth-user';
import { ConnectorsService } from '../../connectors/connectors.service';
import { toTicket } from '../api/ticket-row.mapper';
import { FeedCursorCodec, FeedPosition } from './ticket-change-cursor';
import { TicketChange } from './ticket-change.model';
import { FeedEntry, FeedScope, TicketChangeRepository } from './ticket-change.repository';
import { TicketChangeHub } from './ticket-change.hub';
import { DEFAULT_STREAM_TIMINGS, StreamTimings } from './ticket-change.stream';

/** The change feed as the API serves it: scoped to the caller's tenant (and a connector of it). */
@Injectable()
export class TicketChangesService {
  /** Replaced by tests that need shorter waits (taken by a scope's poll when its first stream opens). */
  streamTimings: StreamTimings = DEFAULT_STREAM_TIMINGS;

  constructor(
    private readonly repository: TicketChangeRepository,
    private readonly connectors: ConnectorsService,
    private readonly hub: TicketChangeHub,
    private readonly cursors: FeedCursorCodec,
  ) {}

  /** `first` + 1 entries after the cursor (the extra one says there is more). */
  async page(
    user: AuthUser,
    connectorId: string | null | undefined,
    after: string | null | undefined,
    first: number,
  ): Promise<TicketChange[]> {
    const scope = await this.scope(user, connectorId);
    const rows = await this.repository.page(scope, this.cursors.decode(user.tenantId, after), first + 1);
    return rows.map((e) => this.toTicketChange(user, e));
  }

  async count(user: AuthUser, connectorId: string | null | undefined, after: string | null | undefined): Promise<number> {
    return this.repository.count(await this.scope(user, connectorId), this.cursors.decode(user.tenantId, after));
  }

  /** A cursor for "from now on": history before it is skipped, nothing after it is. */
  async cursorNow(user: AuthUser, connectorId: string | null | undefined): Promise<string> {
    await this.scope(user, connectorId);
    return this.cursors.encode(user.tenantId, await this.repository.horizon());
  }

  /** Replay after the cursor, then live; checks everything before the subscription starts. */
  async stream(
    user: AuthUser,
    connectorId: string | null | undefined,
    after: string | null | undefined,
  ): Promise<AsyncIterableIterator<TicketChange>> {
    const position: FeedPosition | undefined = this.cursors.decode(user.tenantId, after);
    const scope = await this.scope(user, connectorId);
    const entries = this.hub.open(scope, position, this.streamTimings);
    return mapStream(entries, (e) => this.toTicketChange(user, e));
  }

  /** Cursors are sealed for the reader's tenant (see FeedCursorCodec). */
  private toTicketChange(user: AuthUser, e: FeedEntry): TicketChange {
    return { cursor: this.cursors.encode(user.tenantId, e.position), changedAt: e.changedAt, ticket: toTicket(e.row) };
  }

  /** The tenant's feed, or one of its connectors' (another tenant's connector is not found). */
  private async scope(user: AuthUser, connectorId: string | null | undefined): Promise<FeedScope> {
    if (connectorId) await this.connectors.get(user, connectorId);
    return { tenantId: user.tenantId, connectorId: connectorId ?? null };
  }
}

/** Maps each value, passing `return()` straight through (so unsubscribing releases the stream at once). */
function mapStream<A, B>(source: AsyncIterableIterator<A>, fn: (a: A) => B): AsyncIterableIterator<B> {
  const it: AsyncIterableIterator<B> = {
    [Symbol.asyncIterator]: () => it,
    next: async () => {
      const r = await source.next();
      return r.done ? { value: undefined, done: true } : { value: fn(r.value), done: false };
    },
    return: async () => {
      await source.return?.();
      return { value: undefined, done: true };
    },
  };
  return it;
}
