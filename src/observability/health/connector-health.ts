import { ConnectorStatus } from '../../connectors/entities/connector.entity';

export enum ConnectorHealthState {
  HEALTHY = 'HEALTHY',
  DEGRADED = 'DEGRADED',
  FAILING = 'FAILING',
}

/** Failed runs in a row (retries exhausted each time) after which a connector is FAILING. */
export const FAILING_AFTER_CONSECUTIVE_FAILURES = 3;
/** An active connector whose last success is older than this many sync intervals is stale (DEGRADED). */
export const STALE_AFTER_INTERVALS = 2;

/** What health is computed from: the connector and its sync runs (see ConnectorHealthRepository). */
export interface ConnectorHealthFacts {
  connectorId: string;
  status: ConnectorStatus;
  syncIntervalMinutes: number;
  lastError: string | null;
  /** End of the latest successful run (or the connector's last_synced_at once that run was pruned). */
  lastSuccessAt: Date | null;
  /** Start of the latest successful run: every change made in Gorgias before it is stored. */
  freshAsOf: Date | null;
  /** FAILED runs since the latest successful one. */
  consecutiveFailures: number;
  latestRunStatus: string | null;
  latestRunError: string | null;
  latestRunErrorCode: string | null;
  /** 429 answers the latest run waited out. */
  latestRunRateLimitWaits: number;
  /** The last connection check (Connector.lastCheck), when one is kept. */
  lastCheckOk?: boolean | null;
  lastCheckCode?: string | null;
  lastCheckMessage?: string | null;
}

export interface ConnectorHealthValue {
  state: ConnectorHealthState;
  reason: string | null;
  consecutiveFailures: number;
  lastSuccessAt: Date | null;
}

/**
 * One badge for the portal and one series for alerts. FAILING: the connector stopped (ERROR, the
 * user must act) or its last FAILING_AFTER_CONSECUTIVE_FAILURES runs failed. DEGRADED: it is
 * rate-limited, its last run failed or is retrying, or its data is stale (no success for
 * STALE_AFTER_INTERVALS intervals). HEALTHY otherwise, including paused and draft connectors.
 */
export function connectorHealth(f: ConnectorHealthFacts, now: Date = new Date()): ConnectorHealthValue {
  const base = { consecutiveFailures: f.consecutiveFailures, lastSuccessAt: f.lastSuccessAt };
  const at = (state: ConnectorHealthState, reason: string | null): ConnectorHealthValue => ({ state, reason, ...base });
  const lastError = f.latestRunError ?? f.lastError ?? 'unknown error';

  if (f.status === ConnectorStatus.DRAFT && f.lastCheckOk === false) {
    // Save & Activate (or Test Connection) failed: the draft needs attention, never a green badge.
    return at(
      ConnectorHealthState.DEGRADED,
      `Not activated: the connection check failed (${f.lastCheckCode}). ${f.lastCheckMessage ?? ''}`.trim(),
    );
  }
  if (f.status === ConnectorStatus.DRAFT) return at(ConnectorHealthState.HEALTHY, 'Not activated yet: nothing syncs.');
  if (f.status === ConnectorStatus.ERROR) {
    return at(ConnectorHealthState.FAILING, `Syncing stopped until the connector is fixed: ${f.lastError ?? lastError}`);
  }
  if (f.consecutiveFailures >= FAILING_AFTER_CONSECUTIVE_FAILURES) {
    return at(ConnectorHealthState.FAILING, `The last ${f.consecutiveFailures} syncs failed: ${lastError}`);
  }
  if (f.status === ConnectorStatus.PAUSED) return at(ConnectorHealthState.HEALTHY, 'Paused: scheduled syncs are stopped.');

  if (f.latestRunErrorCode === 'RATE_LIMITED' || f.latestRunRateLimitWaits > 0) {
    return at(
      ConnectorHealthState.DEGRADED,
      f.latestRunErrorCode === 'RATE_LIMITED'
        ? `Rate-limited: the latest sync stopped on Gorgias 429 answers. ${lastError}`
        : `Rate-limited: the latest sync waited out ${f.latestRunRateLimitWaits} Gorgias 429 answer(s); another app may share the account's API budget.`,
    );
  }
  if (f.consecutiveFailures > 0)
    return at(ConnectorHealthState.DEGRADED, `The last sync failed: ${lastError} The next one will try again.`);
  if ((f.latestRunStatus === 'QUEUED' || f.latestRunStatus === 'RUNNING') && f.latestRunError) {
    return at(ConnectorHealthState.DEGRADED, `The sync is retrying after: ${f.latestRunError}`);
  }
  const staleAfterMs = STALE_AFTER_INTERVALS * f.syncIntervalMinutes * 60_000;
  if (f.lastSuccessAt && now.getTime() - f.lastSuccessAt.getTime() > staleAfterMs) {
    const minutes = Math.round((now.getTime() - f.lastSuccessAt.getTime()) / 60_000);
    return at(
      ConnectorHealthState.DEGRADED,
      `Stale: no successful sync for ${minutes} min (one is due every ${f.syncIntervalMinutes} min).`,
    );
  }
  if (!f.lastSuccessAt) return at(ConnectorHealthState.HEALTHY, 'The initial sync has not finished yet.');
  return at(ConnectorHealthState.HEALTHY, null);
}
