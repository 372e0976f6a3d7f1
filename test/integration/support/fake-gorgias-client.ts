import { GorgiasApiError } from '../../../src/gorgias/gorgias-api.error';
import {
  GorgiasCustomField,
  GorgiasEvent,
  GorgiasMessage,
  GorgiasPage,
  GorgiasSatisfactionSurvey,
  GorgiasTagDefinition,
  GorgiasTeam,
  GorgiasTicket,
  GorgiasUser,
} from '../../../src/gorgias/gorgias.types';
import type { HelpdeskSource } from '../../../src/sync/engine/source/helpdesk-source';

type Order = string | undefined;

/**
 * An in-memory Gorgias account behind the engine's helpdesk source port (what the stages call): cursor pages in
 * the asked order, GET of one ticket (404 once removed). Not an HTTP server: for the integration tier only.
 */
export class FakeGorgiasClient implements HelpdeskSource {
  readonly stats = { requests: 0, rateLimitWaits: 0, retries: 0 };
  readonly tickets = new Map<number, GorgiasTicket>();
  readonly messages = new Map<number, GorgiasMessage>();
  readonly events: GorgiasEvent[] = [];

  /** The port the stages are given (the fake implements it; no cast). */
  asClient(): HelpdeskSource {
    return this;
  }

  putTicket(t: GorgiasTicket): void {
    this.tickets.set(t.id, t);
  }

  putMessage(m: GorgiasMessage): void {
    this.messages.set(m.id, m);
  }

  async listTickets(p: { limit?: number; cursor?: string; order_by?: Order } = {}): Promise<GorgiasPage<GorgiasTicket>> {
    return this.page([...this.tickets.values()], p);
  }

  async listMessages(
    p: { limit?: number; cursor?: string; order_by?: Order; ticket_id?: number } = {},
  ): Promise<GorgiasPage<GorgiasMessage>> {
    const all = [...this.messages.values()].filter((m) => p.ticket_id === undefined || m.ticket_id === p.ticket_id);
    return this.page(all, p);
  }

  /** Event filters this account refuses with a 400 (as an account that does not know a type would). */
  refusedEventFilters = new Set<'types' | 'objectType' | 'createdAfter'>();

  async listEvents(
    p: { limit?: number; cursor?: string; order_by?: Order; types?: string[]; objectType?: string; createdAfter?: string } = {},
  ): Promise<GorgiasPage<GorgiasEvent>> {
    for (const f of ['types', 'objectType', 'createdAfter'] as const) {
      if (p[f] !== undefined && this.refusedEventFilters.has(f)) {
        this.stats.requests++;
        throw new GorgiasApiError('BAD_REQUEST', `GET /events: 400 ${f} refused`, { status: 400, resource: 'events' });
      }
    }
    const events = this.events.filter(
      (e) =>
        (!p.types || p.types.includes(e.type)) &&
        (!p.objectType || e.object_type === p.objectType) &&
        (!p.createdAfter || Date.parse(e.created_datetime) >= Date.parse(p.createdAfter)),
    );
    return this.page(events, p);
  }

  /** Like Gorgias: the ticket with its messages embedded, oldest first. */
  async getTicket(id: number): Promise<GorgiasTicket> {
    this.stats.requests++;
    const t = this.tickets.get(id);
    if (!t) throw new GorgiasApiError('NOT_FOUND', `ticket ${id} not found`, { status: 404, resource: 'tickets' });
    const messages = [...this.messages.values()]
      .filter((m) => m.ticket_id === id)
      .sort((a, b) => a.created_datetime.localeCompare(b.created_datetime) || a.id - b.id);
    return { ...t, messages };
  }

  /** Issue 24's small lists (empty unless a spec fills them) and lookups by id. */
  readonly users = new Map<number, GorgiasUser>();
  readonly teams = new Map<number, GorgiasTeam>();
  readonly tags = new Map<number, GorgiasTagDefinition>();
  readonly surveys = new Map<number, GorgiasSatisfactionSurvey>();
  readonly customFields = new Map<number, GorgiasCustomField>();

  async listUsers(p: { limit?: number; cursor?: string; order_by?: Order } = {}): Promise<GorgiasPage<GorgiasUser>> {
    return this.page([...this.users.values()], p);
  }
  async getUser(id: number): Promise<GorgiasUser> {
    return this.one(this.users, id, 'users');
  }
  async listTeams(p: { limit?: number; cursor?: string; order_by?: Order } = {}): Promise<GorgiasPage<GorgiasTeam>> {
    return this.page([...this.teams.values()], p);
  }
  async getTeam(id: number): Promise<GorgiasTeam> {
    return this.one(this.teams, id, 'teams');
  }
  async listTags(p: { limit?: number; cursor?: string; order_by?: Order } = {}): Promise<GorgiasPage<GorgiasTagDefinition>> {
    return this.page([...this.tags.values()], p);
  }
  async getTag(id: number): Promise<GorgiasTagDefinition> {
    return this.one(this.tags, id, 'tags');
  }
  async listSatisfactionSurveys(
    p: { limit?: number; cursor?: string; order_by?: Order } = {},
  ): Promise<GorgiasPage<GorgiasSatisfactionSurvey>> {
    return this.page([...this.surveys.values()], p);
  }
  async getSatisfactionSurvey(id: number): Promise<GorgiasSatisfactionSurvey> {
    return this.one(this.surveys, id, 'satisfaction_surveys');
  }
  async listCustomFields(
    p: { limit?: number; cursor?: string; order_by?: Order; archived?: boolean } = {},
  ): Promise<GorgiasPage<GorgiasCustomField>> {
    return this.page(
      [...this.customFields.values()].filter((f) => !!f.deactivated_datetime === !!p.archived),
      p,
    );
  }

  private async one<T>(items: Map<number, T>, id: number, resource: string): Promise<T> {
    this.stats.requests++;
    const found = items.get(id);
    if (!found) throw new GorgiasApiError('NOT_FOUND', `${resource} ${id} not found`, { status: 404, resource: resource as never });
    return found;
  }

  async *paginate<T>(fetchPage: (cursor?: string) => Promise<GorgiasPage<T>>): AsyncGenerator<GorgiasPage<T>> {
    let cursor: string | undefined;
    for (;;) {
      const page = await fetchPage(cursor);
      yield page;
      if (!page.meta.next_cursor || page.data.length === 0) return;
      cursor = page.meta.next_cursor;
    }
  }

  private page<T extends { id: number }>(items: T[], p: { limit?: number; cursor?: string; order_by?: Order }): GorgiasPage<T> {
    this.stats.requests++;
    const [field, dir] = (p.order_by ?? 'created_datetime:desc').split(':');
    const key = (i: T) => `${String((i as Record<string, unknown>)[field] ?? '')}|${String(i.id).padStart(12, '0')}`;
    const sorted = [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    if (dir === 'desc') sorted.reverse();
    const start = p.cursor ? Number(p.cursor) : 0;
    const limit = p.limit ?? 30;
    const data = sorted.slice(start, start + limit);
    const next = start + limit < sorted.length ? String(start + limit) : null;
    return { data, meta: { next_cursor: next, prev_cursor: null } };
  }
}
