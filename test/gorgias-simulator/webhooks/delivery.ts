/**
 * Delivers HTTP integrations' requests after a ticket or message change, as Gorgias does: each matching
 * integration gets its rendered `form` with its own headers; timeouts, network errors and 5xx are retried;
 * an integration is disabled after `disableAfterFailures` consecutive failed requests. For tests the
 * control API can delay deliveries, drop a share of them (never sent) or send a share twice.
 */
import { mulberry32 } from '../faults';
import { gorgiasDatetime } from '../datetime';
import type { IntegrationRegistry, Trigger, TriggerPayload } from './integrations';
import { pythonRepr, renderForm } from './render';

export interface WebhookDeliveryConfig {
  /** Real ms between the change and the first request (default 0). */
  delayMs?: number;
  /** Real ms before a request counts as timed out (default 10000). */
  timeoutMs?: number;
  /** Requests per delivery, first one included (default 3). */
  maxAttempts?: number;
  /** Real ms between attempts (default 1000). */
  retryDelayMs?: number;
  /** Share of deliveries never sent (0..1). */
  dropRate?: number;
  /** Share of deliveries sent twice (0..1). */
  duplicateRate?: number;
  /** PRNG seed for drop/duplicate (default 1); setting the config resets the sequence. */
  seed?: number;
  /** Consecutive failed requests after which the integration is disabled (default 100). */
  disableAfterFailures?: number;
}

export type DeliveryOutcome = 'pending' | 'delivered' | 'failed' | 'dropped' | 'cancelled';

export interface WebhookDelivery {
  id: number;
  integrationId: number;
  trigger: Trigger;
  ticketId: number;
  messageId: number | null;
  /** What was (or would have been) sent. */
  body: unknown;
  /** True for the second copy of a duplicated delivery. */
  duplicate: boolean;
  attempts: number;
  outcome: DeliveryOutcome;
  /** HTTP status of the last attempt, or null after a timeout or network error. */
  lastStatus: number | null;
  lastError: string | null;
  /** Real ms (Date.now()) when the change happened and when the delivery finished. */
  firedAt: number;
  doneAt: number | null;
}

const DEFAULTS: Required<Omit<WebhookDeliveryConfig, 'seed'>> = {
  delayMs: 0,
  timeoutMs: 10_000,
  maxAttempts: 3,
  retryDelayMs: 1000,
  dropRate: 0,
  duplicateRate: 0,
  disableAfterFailures: 100,
};

export class WebhookDispatcher {
  private config = { ...DEFAULTS };
  private rng = mulberry32(1);
  private readonly log: WebhookDelivery[] = [];
  private readonly consecutiveFailures = new Map<number, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly aborts = new Set<AbortController>();
  private pending = 0;
  private idleWaiters: (() => void)[] = [];
  private closed = false;

  constructor(private readonly registry: IntegrationRegistry) {}

  configure(c: WebhookDeliveryConfig): Required<Omit<WebhookDeliveryConfig, 'seed'>> {
    for (const k of ['dropRate', 'duplicateRate'] as const) {
      const v = c[k];
      if (v !== undefined && (typeof v !== 'number' || !(v >= 0 && v <= 1))) throw new Error(`${k} must be a number in 0..1`);
    }
    for (const k of ['delayMs', 'timeoutMs', 'retryDelayMs'] as const) {
      const v = c[k];
      if (v !== undefined && (typeof v !== 'number' || !(v >= 0))) throw new Error(`${k} must be a number >= 0`);
    }
    for (const k of ['maxAttempts', 'disableAfterFailures'] as const) {
      const v = c[k];
      if (v !== undefined && (!Number.isInteger(v) || v < 1)) throw new Error(`${k} must be an integer >= 1`);
    }
    const { seed, ...rest } = c;
    this.config = { ...this.config, ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) };
    if (seed !== undefined || c.dropRate !== undefined || c.duplicateRate !== undefined) this.rng = mulberry32(seed ?? 1);
    return { ...this.config };
  }

  /** Called by mutations: queues one delivery per matching integration. */
  fire(trigger: Trigger, payload: TriggerPayload): void {
    if (this.closed) return;
    for (const integ of this.registry.matching(trigger)) {
      const body = renderForm(integ.http.form, { ...payload, event: { type: trigger } });
      const drop = this.rng() < this.config.dropRate;
      const dup = this.rng() < this.config.duplicateRate;
      const copies = drop ? 1 : dup ? 2 : 1;
      for (let i = 0; i < copies; i++) {
        const d: WebhookDelivery = {
          id: this.log.length + 1,
          integrationId: integ.id,
          trigger,
          ticketId: payload.ticket.id,
          messageId: payload.message?.id ?? null,
          body,
          duplicate: i === 1,
          attempts: 0,
          outcome: drop ? 'dropped' : 'pending',
          lastStatus: null,
          lastError: null,
          firedAt: Date.now(),
          doneAt: drop ? Date.now() : null,
        };
        this.log.push(d);
        if (!drop) {
          this.pending++;
          this.after(this.config.delayMs, () => this.attempt(d));
        }
      }
    }
  }

  deliveries(): WebhookDelivery[] {
    return structuredClone(this.log);
  }

  stats(): { fired: number; delivered: number; failed: number; dropped: number; duplicated: number; pending: number; requests: number } {
    const count = (o: DeliveryOutcome) => this.log.filter((d) => d.outcome === o).length;
    return {
      fired: this.log.filter((d) => !d.duplicate).length,
      delivered: count('delivered'),
      failed: count('failed'),
      dropped: count('dropped'),
      duplicated: this.log.filter((d) => d.duplicate).length,
      pending: this.pending,
      requests: this.log.reduce((n, d) => n + d.attempts, 0),
    };
  }

  /** Resolves once every queued delivery has finished (delivered, failed or cancelled). */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const a of this.aborts) a.abort();
    this.pending = 0;
    this.idleWaiters.splice(0).forEach((r) => r());
  }

  // ------------------------------------------------------------------ internals

  private after(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private finish(d: WebhookDelivery, outcome: DeliveryOutcome): void {
    if (this.closed) return;
    d.outcome = outcome;
    d.doneAt = Date.now();
    this.pending--;
    if (this.pending === 0) this.idleWaiters.splice(0).forEach((r) => r());
  }

  private attempt(d: WebhookDelivery): void {
    if (this.closed) return;
    let integ;
    try {
      integ = this.registry.get(d.integrationId);
    } catch {
      return this.finish(d, 'cancelled'); // deleted meanwhile
    }
    if (integ.deactivated_datetime) return this.finish(d, 'cancelled');
    d.attempts++;
    const { method, headers, request_content_type: contentType, url } = integ.http;
    const hasBody = method !== 'GET' && method !== 'DELETE';
    const body = !hasBody
      ? undefined
      : contentType === 'application/json'
        ? JSON.stringify(d.body)
        : new URLSearchParams(
            Object.entries((d.body ?? {}) as Record<string, unknown>).map(([k, v]) => [k, typeof v === 'string' ? v : pythonRepr(v)]),
          ).toString();
    const ac = new AbortController();
    this.aborts.add(ac);
    const timer = setTimeout(() => ac.abort(new Error('timeout')), this.config.timeoutMs);
    // Settled below in every case (success, HTTP error, network error, timeout): nothing is left floating.
    void fetch(url, { method, headers: { ...(hasBody ? { 'content-type': contentType } : {}), ...headers }, body, signal: ac.signal })
      .then(async (res) => {
        await res.arrayBuffer().catch(() => undefined);
        return { status: res.status, error: null as string | null };
      })
      .catch((e: unknown) => ({ status: null as number | null, error: ac.signal.aborted ? 'timeout' : String((e as Error)?.message ?? e) }))
      .then(({ status, error }) => {
        clearTimeout(timer);
        this.aborts.delete(ac);
        if (this.closed) return;
        d.lastStatus = status;
        d.lastError = error;
        if (status !== null && status < 400) {
          this.consecutiveFailures.set(integ.id, 0);
          return this.finish(d, 'delivered');
        }
        const failures = (this.consecutiveFailures.get(integ.id) ?? 0) + 1;
        this.consecutiveFailures.set(integ.id, failures);
        if (failures >= this.config.disableAfterFailures && !integ.deactivated_datetime)
          integ.deactivated_datetime = gorgiasDatetime(Date.now());
        const retryable = status === null || status >= 500;
        if (retryable && d.attempts < this.config.maxAttempts && !integ.deactivated_datetime) {
          this.after(this.config.retryDelayMs, () => this.attempt(d));
        } else this.finish(d, 'failed');
      });
  }
}
