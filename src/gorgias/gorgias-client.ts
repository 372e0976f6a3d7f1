import type { AxiosInstance, AxiosResponse } from 'axios';
import { GorgiasApiError, GorgiasResource } from './gorgias-api.error';
import type { GorgiasClientOptions, GorgiasClientStats, GorgiasEventListParams } from './gorgias-client.types';
import { normalizeDatetimes } from './gorgias-datetime';
import { QueryParams as Params, toQuery } from './gorgias-query';
import { GorgiasRateLimitPacer } from './gorgias-rate-limit.pacer';
import { mapClientError } from './gorgias-error.mapper';
import { headerOf, looksLikeJson, parseJson } from './gorgias-response';
import { backoff, retryAfterMs, TRANSIENT_NETWORK_CODES } from './gorgias-retry';
import { MAX_PAGE_LIMIT, MAX_RATE_LIMIT_WAITS_PER_CALL, MAX_RETRY_AFTER_MS, RATE_LIMIT_HEADER } from './gorgias.constants';
import {
  GorgiasAccount,
  GorgiasCredentials,
  GorgiasCustomField,
  GorgiasEvent,
  GorgiasHttpIntegrationInput,
  GorgiasIntegration,
  GorgiasListParams,
  GorgiasMessage,
  GorgiasPage,
  GorgiasSatisfactionSurvey,
  GorgiasTagDefinition,
  GorgiasTeam,
  GorgiasTicket,
  GorgiasUser,
} from './gorgias.types';

export type { GorgiasClientOptions, GorgiasClientStats, GorgiasEventListParams } from './gorgias-client.types';

/**
 * One connector's view of its Gorgias account: typed calls, cursor iteration, pacing under the
 * account's rate limit, retries of what is transient, and every failure mapped to a
 * `GorgiasApiError` code here and nowhere else. Never puts the API key in an error or a log.
 */
export class GorgiasClient {
  readonly stats: GorgiasClientStats = { requests: 0, rateLimitWaits: 0, retries: 0 };
  private readonly apiBase: string;
  private readonly subdomainInHost: boolean;

  constructor(
    private readonly http: AxiosInstance,
    private readonly credentials: GorgiasCredentials,
    private readonly pacer: GorgiasRateLimitPacer,
    private readonly options: GorgiasClientOptions,
  ) {
    const base = options.baseUrlTemplate.replace('{subdomain}', encodeURIComponent(credentials.subdomain)).replace(/\/+$/, '');
    this.apiBase = `${base}/api`;
    this.subdomainInHost = /:\/\/[^/]*\{subdomain\}/.test(options.baseUrlTemplate);
  }

  /** Share of the account's bucket in use now, as its pacer predicts it (0 to 1): a verification calls only below its share. */
  budgetInUse(): number {
    return this.pacer.budgetInUse();
  }

  getAccount(): Promise<GorgiasAccount> {
    return this.get<GorgiasAccount>('/account', {}, 'account');
  }

  /** `ticket_ids` (up to 100, sent as repeated keys) reads those tickets only. */
  listTickets(params: GorgiasListParams & { ticket_ids?: string[] } = {}): Promise<GorgiasPage<GorgiasTicket>> {
    return this.list<GorgiasTicket>('/tickets', params, 'tickets');
  }

  /** One ticket, with its `messages` embedded oldest first (each with explicit-offset datetimes too). */
  async getTicket(id: number): Promise<GorgiasTicket> {
    const ticket = normalizeDatetimes(await this.get<GorgiasTicket>(`/tickets/${encodeURIComponent(String(id))}`, {}, 'tickets'));
    if (ticket && Array.isArray(ticket.messages)) ticket.messages.forEach(normalizeDatetimes);
    return ticket;
  }

  /** All messages of the account newest or oldest first; `ticket_id` narrows to one ticket. */
  listMessages(params: GorgiasListParams & { ticket_id?: number } = {}): Promise<GorgiasPage<GorgiasMessage>> {
    return this.list<GorgiasMessage>('/messages', params, 'messages');
  }

  listEvents(params: GorgiasEventListParams = {}): Promise<GorgiasPage<GorgiasEvent>> {
    const { types, objectType, createdAfter, ...rest } = params;
    return this.list<GorgiasEvent>(
      '/events',
      { ...rest, types: types?.length ? types : undefined, object_type: objectType, 'created_datetime[gte]': createdAfter },
      'events',
    );
  }

  /** Agents and admins. Assumed orders: `created_datetime` only (no `updated_datetime`), so edits come from events. */
  listUsers(params: GorgiasListParams = {}): Promise<GorgiasPage<GorgiasUser>> {
    return this.list<GorgiasUser>('/users', params, 'users');
  }

  /** One user, e.g. the one a `user-*` event names; a deactivated user answers with `active: false`. */
  getUser(id: number): Promise<GorgiasUser> {
    return this.getOne<GorgiasUser>('/users', id, 'users');
  }

  listTeams(params: GorgiasListParams = {}): Promise<GorgiasPage<GorgiasTeam>> {
    return this.list<GorgiasTeam>('/teams', params, 'teams');
  }

  getTeam(id: number): Promise<GorgiasTeam> {
    return this.getOne<GorgiasTeam>('/teams', id, 'teams');
  }

  listTags(params: GorgiasListParams = {}): Promise<GorgiasPage<GorgiasTagDefinition>> {
    return this.list<GorgiasTagDefinition>('/tags', params, 'tags');
  }

  /** A merged-away or deleted tag answers NOT_FOUND. */
  getTag(id: number): Promise<GorgiasTagDefinition> {
    return this.getOne<GorgiasTagDefinition>('/tags', id, 'tags');
  }

  /** By `created_datetime` (= sent): a survey listed before its score arrives changes later. */
  listSatisfactionSurveys(params: GorgiasListParams = {}): Promise<GorgiasPage<GorgiasSatisfactionSurvey>> {
    return this.list<GorgiasSatisfactionSurvey>('/satisfaction-surveys', params, 'satisfaction_surveys');
  }

  /** Re-reads one survey (the way to see a score arrive: scoring records no event). */
  getSatisfactionSurvey(id: number): Promise<GorgiasSatisfactionSurvey> {
    return this.getOne<GorgiasSatisfactionSurvey>('/satisfaction-surveys', id, 'satisfaction_surveys');
  }

  /**
   * Field definitions of one object type (`object_type` is required). `archived: true` lists the archived
   * ones, which tickets may still carry values for.
   */
  listCustomFields(
    params: GorgiasListParams & { objectType?: 'Ticket' | 'Customer'; archived?: boolean } = {},
  ): Promise<GorgiasPage<GorgiasCustomField>> {
    const { objectType, archived, ...rest } = params;
    return this.list<GorgiasCustomField>('/custom-fields', { ...rest, object_type: objectType ?? 'Ticket', archived }, 'custom_fields');
  }

  /** Registers an HTTP integration (webhook). Gorgias answers 403 unless the key is an admin's. */
  createIntegration(input: GorgiasHttpIntegrationInput): Promise<GorgiasIntegration> {
    return this.send<GorgiasIntegration>('POST', '/integrations', {}, 'integrations', input);
  }

  listIntegrations(params: GorgiasListParams = {}): Promise<GorgiasPage<GorgiasIntegration>> {
    return this.list<GorgiasIntegration>('/integrations', params, 'integrations');
  }

  /** Removes an integration; one already gone counts as removed. */
  async deleteIntegration(id: number): Promise<void> {
    try {
      await this.send<unknown>('DELETE', `/integrations/${encodeURIComponent(String(id))}`, {}, 'integrations', undefined, true);
    } catch (e) {
      if (!(e instanceof GorgiasApiError && e.code === 'NOT_FOUND')) throw e;
    }
  }

  /** Every page of a cursor list, one call per page. */
  async *paginate<T>(fetchPage: (cursor?: string) => Promise<GorgiasPage<T>>): AsyncGenerator<GorgiasPage<T>> {
    let cursor: string | undefined;
    for (;;) {
      const page = await fetchPage(cursor);
      yield page;
      const next = page.meta?.next_cursor;
      if (!next || page.data.length === 0) return;
      cursor = next;
    }
  }

  private async list<T>(path: string, listParams: object, resource: GorgiasResource): Promise<GorgiasPage<T>> {
    const params = listParams as Params;
    if (params.limit !== undefined && (Number(params.limit) < 1 || Number(params.limit) > MAX_PAGE_LIMIT)) {
      throw new GorgiasApiError('BAD_REQUEST', `limit must be between 1 and ${MAX_PAGE_LIMIT}`, { resource });
    }
    const page = await this.get<GorgiasPage<T>>(path, params, resource);
    if (!page || !Array.isArray(page.data)) {
      throw new GorgiasApiError('UNREACHABLE', `GET ${path}: the answer is not a Gorgias list`, { resource });
    }
    page.meta ??= { next_cursor: null, prev_cursor: null };
    page.data.forEach(normalizeDatetimes);
    return page;
  }

  private async getOne<T extends object>(path: string, id: number, resource: GorgiasResource): Promise<T> {
    return normalizeDatetimes(await this.get<T>(`${path}/${encodeURIComponent(String(id))}`, {}, resource));
  }

  private get<T>(path: string, params: Params, resource: GorgiasResource): Promise<T> {
    return this.send<T>('GET', path, params, resource);
  }

  /**
   * One API call with pacing, retries and error mapping. A POST is retried only after a 429 (not
   * processed): retrying it after a timeout or 5xx could create the object twice.
   */
  private async send<T>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    params: Params,
    resource: GorgiasResource,
    body?: unknown,
    emptyBodyOk = false,
  ): Promise<T> {
    const maxRetries = method === 'POST' ? 0 : this.options.maxRetries;
    const query = toQuery(params);
    let failures = 0;
    let rateLimitWaits = 0;
    for (;;) {
      const waitStart = performance.now();
      const call = await this.pacer.acquire(this.options.lane);
      this.options.observer?.rateLimitWaited((performance.now() - waitStart) / 1000);
      this.stats.requests++;
      let res: AxiosResponse<string>;
      try {
        res = await this.http.request<string>({
          method,
          url: `${this.apiBase}${path}`,
          params: query,
          data: body === undefined ? undefined : JSON.stringify(body),
          auth: { username: this.credentials.email, password: this.credentials.apiKey },
          headers: { Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
          timeout: this.options.timeoutMs,
          responseType: 'text',
          transformResponse: (data: unknown) => data,
          validateStatus: () => true,
          maxRedirects: 0,
        });
      } catch (e) {
        this.pacer.failed();
        const code = typeof e?.code === 'string' ? e.code : '';
        if ((code === 'ENOTFOUND' || code === 'EAI_NONAME') && this.subdomainInHost) {
          throw new GorgiasApiError('SUBDOMAIN_NOT_FOUND', `no Gorgias host for subdomain "${this.credentials.subdomain}"`, { resource });
        }
        // Timeouts, resets, truncated bodies: retried. The axios error is dropped: its config holds the key.
        const reason = code || 'network error';
        if (failures++ < maxRetries && (TRANSIENT_NETWORK_CODES.has(code) || !code || /aborted|socket hang up/i.test(e?.message ?? ''))) {
          this.stats.retries++;
          await sleep(backoff(failures));
          continue;
        }
        throw new GorgiasApiError('UNREACHABLE', `${method} ${path}: ${reason}`, { resource });
      }
      this.pacer.observe(headerOf(res, RATE_LIMIT_HEADER), call);
      const status = res.status;

      if (status === 429) {
        const waitMs = retryAfterMs(headerOf(res, 'retry-after'));
        if (rateLimitWaits++ >= MAX_RATE_LIMIT_WAITS_PER_CALL || waitMs > MAX_RETRY_AFTER_MS) {
          throw new GorgiasApiError('RATE_LIMITED', `${method} ${path}: 429 Too Many Requests`, {
            status,
            resource,
            retryAfterSeconds: Math.ceil(waitMs / 1000),
          });
        }
        this.stats.rateLimitWaits++;
        this.pacer.throttled(waitMs);
        continue;
      }
      if (status >= 500) {
        if (failures++ < maxRetries) {
          this.stats.retries++;
          await sleep(backoff(failures));
          continue;
        }
        throw new GorgiasApiError('UNREACHABLE', `${method} ${path}: Gorgias answered ${status}`, { status, resource });
      }
      if (status >= 200 && status < 300) {
        const parsed = parseJson(res.data);
        if (emptyBodyOk && (status === 204 || !String(res.data ?? '').trim())) return undefined as T;
        if (parsed === undefined) {
          if (!looksLikeJson(res)) {
            // A page that is not the API (a parked domain, a login page): the address is wrong.
            throw new GorgiasApiError('SUBDOMAIN_NOT_FOUND', `${method} ${path}: the address did not answer as the Gorgias API`, {
              status,
              resource,
            });
          }
          // A JSON body cut short: the connection dropped mid-answer.
          if (failures++ < maxRetries) {
            this.stats.retries++;
            await sleep(backoff(failures));
            continue;
          }
          throw new GorgiasApiError('UNREACHABLE', `${method} ${path}: incomplete answer`, { status, resource });
        }
        return parsed as T;
      }
      throw mapClientError(status, res, `${method} ${path}`, resource);
    }
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
