import { EntityManager } from 'typeorm';
import { QuarantinedObjectType } from '../../repositories/sync-quarantine.repository';
import { dataErrorReason, isDataError, sqlState } from '../outcome/failure-class';
import { PageChangeSet } from './page-changes';
import type { RunSession } from './run-session';

/** A page whose items are stored together, or one by one when the database refuses the page. */
export interface ItemPage<T> {
  items: T[];
  /** Stores `items` (the whole page, or one item when falling back). */
  store: (tx: EntityManager, items: T[], changes: PageChangeSet) => Promise<void>;
  /**
   * Stores the whole page from what was prepared for it beforehand (rows mapped and serialised while
   * the database ran the page before); used in place of `store` for the page's first attempt only: the
   * item-by-item replay always goes through `store`.
   */
  storeTogether?: (tx: EntityManager, changes: PageChangeSet) => Promise<void>;
  /**
   * Called as each transaction attempt starts: a count that `store` keeps for the caller starts over
   * there, so it counts what the committed attempt stored (not also what a refused attempt rolled back).
   */
  begin?: () => void;
  /** What else the page commits once its items are stored (checkpoint moves, watermarks). */
  then?: (tx: EntityManager, changes: PageChangeSet) => Promise<void>;
  /** Names an item for the quarantine and the log. */
  identify: (item: T) => { type: QuarantinedObjectType; id: number | string };
}

/**
 * A page of items in one transaction. When PostgreSQL refuses the page for a data reason (a value
 * it will refuse again whatever we retry), the page is stored again item by item in one
 * transaction, each behind a savepoint: every good item is stored, each refused one is quarantined
 * and named at WARN in the sync log, and the checkpoint moves past the page as usual.
 */
export async function storeItemPage<T>(session: RunSession, p: ItemPage<T>): Promise<{ quarantined: number }> {
  const saved = session.snapshot();
  try {
    await session.page(async (tx, changes) => {
      p.begin?.();
      if (p.items.length) await (p.storeTogether ? p.storeTogether(tx, changes) : p.store(tx, p.items, changes));
      await p.then?.(tx, changes);
    });
    return { quarantined: 0 };
  } catch (e) {
    if (!isDataError(e) || p.items.length === 0) throw e;
    session.restore(saved);
  }
  let quarantined = 0;
  await session.page(async (tx, changes) => {
    quarantined = 0; // a retried transaction starts over
    p.begin?.();
    for (const item of p.items) {
      await tx.query('SAVEPOINT sync_item');
      try {
        await p.store(tx, [item], changes);
        await tx.query('RELEASE SAVEPOINT sync_item');
      } catch (e) {
        if (!isDataError(e)) throw e;
        await tx.query('ROLLBACK TO SAVEPOINT sync_item');
        await quarantine(session, tx, p.identify(item), e);
        quarantined++;
      }
    }
    await p.then?.(tx, changes);
  });
  return { quarantined };
}

/** Skips one record the database refused: quarantined and named in the log, in the page's transaction. */
async function quarantine(
  session: RunSession,
  tx: EntityManager,
  what: { type: QuarantinedObjectType; id: number | string },
  error: unknown,
): Promise<void> {
  const reason = dataErrorReason(error);
  await session.services.quarantine.record(tx, {
    tenantId: session.scope.tenantId,
    connectorId: session.scope.connectorId,
    runId: session.run.id,
    objectType: what.type,
    externalId: what.id,
    reason,
    sqlstate: sqlState(error) ?? null,
  });
  await session.logs.warn(
    session.scope,
    `Gorgias ${what.type} ${what.id} could not be stored and was skipped (quarantined): ${reason}. The rest of its page was stored; it is read again when it changes in Gorgias or by a FULL sync.`,
    tx,
  );
}
