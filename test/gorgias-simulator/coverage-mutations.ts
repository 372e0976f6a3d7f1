/**
 * Changes to users, teams, tags, satisfaction surveys and custom field definitions. Each records the event
 * Gorgias records (assumed types where the sources are silent, see docs/gorgias-api.md "Coverage objects");
 * an object created here is shown by the API only `newObjectListLagMs` later, while its event is there at once.
 */
import type {
  GorgiasCustomField,
  GorgiasSatisfactionSurvey,
  GorgiasTagDefinition,
  GorgiasTeam,
  GorgiasUser,
} from '../../src/gorgias/gorgias.types';
import { gorgiasDatetime } from './datetime';
import type { MutationContext } from './mutation-context';
import { clone } from './store';
import { updateTicket } from './ticket-mutations';

const visibleAt = (ctx: MutationContext) => Date.now() + ctx.behaviour().newObjectListLagMs;
const data = (ctx: MutationContext, d: Record<string, unknown>) => (ctx.behaviour().eventDataIds ? d : null);

export function createUser(ctx: MutationContext, partial: Partial<GorgiasUser> = {}): GorgiasUser {
  const { store } = ctx;
  const now = store.stamp();
  const id = store.coverage.nextUserId++;
  const at = gorgiasDatetime(now);
  const name = partial.name ?? `Agent ${id}`;
  const [firstname, ...last] = name.split(' ');
  const u: GorgiasUser = {
    ...{ email: `agent${id}@${store.subdomain}.gorgias.test`, name, firstname, lastname: last.join(' ') },
    ...{ role: { name: 'agent' }, active: true, bio: null, meta: {}, timezone: 'UTC', language: 'en', external_id: null },
    ...clone(partial),
    ...{ id, uri: `/api/users/${id}/`, created_datetime: at, updated_datetime: at, deactivated_datetime: null },
  };
  store.coverage.users.set(id, { o: u, c: now, visibleAt: visibleAt(ctx) });
  store.recordEvent('user-created', 'User', id, now);
  return clone(u);
}

export function updateUser(ctx: MutationContext, id: number, patch: Partial<GorgiasUser>): GorgiasUser {
  const rec = ctx.store.coverage.get<GorgiasUser>('users', id);
  const now = ctx.store.stamp();
  const { id: _i, created_datetime: _c, ...rest } = clone(patch);
  Object.assign(rec.o, rest, { updated_datetime: gorgiasDatetime(now) });
  ctx.store.recordEvent('user-updated', 'User', rec.o.id, now);
  return clone(rec.o);
}

/** Assumed: deactivation is a `user-updated` (no own type); the user leaves the list unless `deactivatedUsersListed`. */
export function deactivateUser(ctx: MutationContext, id: number): GorgiasUser {
  const rec = ctx.store.coverage.get<GorgiasUser>('users', id);
  const now = ctx.store.stamp();
  Object.assign(rec.o, { active: false, deactivated_datetime: gorgiasDatetime(now), updated_datetime: gorgiasDatetime(now) });
  ctx.store.recordEvent('user-updated', 'User', rec.o.id, now);
  return clone(rec.o);
}

/** Gone (404); tickets keep naming the user as assignee (worst case: a stale reference, no ticket event). */
export function deleteUser(ctx: MutationContext, id: number): void {
  const rec = ctx.store.coverage.get<GorgiasUser>('users', id);
  ctx.store.coverage.users.delete(rec.o.id);
  ctx.store.recordEvent('user-deleted', 'User', rec.o.id, ctx.store.stamp());
}

export function createTeam(ctx: MutationContext, partial: Partial<GorgiasTeam> = {}): GorgiasTeam {
  const { store } = ctx;
  const now = store.stamp();
  const id = store.coverage.nextTeamId++;
  const at = gorgiasDatetime(now);
  const t: GorgiasTeam = {
    ...{ name: `Team ${id}`, description: null, decoration: { emoji: null }, members: [] },
    ...clone(partial),
    ...{ id, uri: `/api/teams/${id}/`, created_datetime: at, updated_datetime: at },
  };
  store.coverage.teams.set(id, { o: t, c: now, visibleAt: visibleAt(ctx) });
  store.recordEvent('team-created', 'Team', id, now);
  return clone(t);
}

export function updateTeam(ctx: MutationContext, id: number, patch: Partial<GorgiasTeam>): GorgiasTeam {
  const rec = ctx.store.coverage.get<GorgiasTeam>('teams', id);
  const now = ctx.store.stamp();
  const { id: _i, created_datetime: _c, ...rest } = clone(patch);
  Object.assign(rec.o, rest, { updated_datetime: gorgiasDatetime(now) });
  ctx.store.recordEvent('team-updated', 'Team', rec.o.id, now);
  return clone(rec.o);
}

/** Gone (404); tickets keep naming the team (worst case, as for users). */
export function deleteTeam(ctx: MutationContext, id: number): void {
  const rec = ctx.store.coverage.get<GorgiasTeam>('teams', id);
  ctx.store.coverage.teams.delete(rec.o.id);
  ctx.store.recordEvent('team-deleted', 'Team', rec.o.id, ctx.store.stamp());
}

export function createTag(ctx: MutationContext, partial: Partial<GorgiasTagDefinition> = {}): GorgiasTagDefinition {
  const { store } = ctx;
  const now = store.stamp();
  const id = store.coverage.nextTagId++;
  const t: GorgiasTagDefinition = {
    ...{ name: `tag-${id}`, description: null, decoration: { color: '#6c5ce7' } },
    ...clone(partial),
    ...{ id, uri: `/api/tags/${id}/`, usage: 0, created_datetime: gorgiasDatetime(now), deleted_datetime: null },
  };
  store.coverage.tags.set(id, { o: t, c: now, visibleAt: visibleAt(ctx) });
  store.recordEvent('tag-created', 'Tag', id, now);
  return clone(t);
}

/** Gone (404); tickets lose the tag silently (worst case: no ticket event, updated_datetime unmoved). */
export function deleteTag(ctx: MutationContext, id: number): void {
  const rec = ctx.store.coverage.get<GorgiasTagDefinition>('tags', id);
  ctx.store.coverage.tags.delete(rec.o.id);
  for (const t of ctx.store.tickets.values())
    if (t.t.tags?.some((x) => x.id === rec.o.id)) t.t.tags = t.t.tags.filter((x) => x.id !== rec.o.id);
  ctx.store.recordEvent('tag-deleted', 'Tag', rec.o.id, ctx.store.stamp());
}

/**
 * Merges tag `sourceId` into `targetId`: the source is gone (404, no `tag-deleted`), its tickets carry the
 * target instead, and `tag-merged` names the target. Worst case: the retagged tickets record nothing and
 * keep their updated_datetime (`tagMergeRecordsTicketEvents` makes each a normal tag change).
 */
export function mergeTags(ctx: MutationContext, sourceId: number, targetId: number): GorgiasTagDefinition {
  const { store } = ctx;
  const src = store.coverage.get<GorgiasTagDefinition>('tags', sourceId);
  const dst = store.coverage.get<GorgiasTagDefinition>('tags', targetId);
  if (src === dst) throw new Error('A tag cannot be merged into itself');
  const retag = (tags: { id: number; name: string }[]) => {
    const kept = tags.filter((x) => x.id !== src.o.id);
    return kept.some((x) => x.id === dst.o.id) ? kept : [...kept, { id: dst.o.id, name: dst.o.name }];
  };
  const carriers = [...store.tickets.values()].filter((r) => r.t.tags?.some((x) => x.id === src.o.id));
  for (const r of carriers) {
    if (ctx.behaviour().tagMergeRecordsTicketEvents) updateTicket(ctx, r.t.id, { tags: retag(r.t.tags ?? []) });
    else r.t.tags = retag(r.t.tags ?? []);
  }
  store.coverage.tags.delete(src.o.id);
  store.recordEvent('tag-merged', 'Tag', dst.o.id, store.stamp(), data(ctx, { merged_tag_id: src.o.id, tag_id: dst.o.id }));
  return clone(dst.o);
}

/** Sends a ticket's survey (one per ticket): created now, unscored. Assumed: no event (option `surveyEvents`). */
export function sendSurvey(ctx: MutationContext, ticketId: number): GorgiasSatisfactionSurvey {
  const { store } = ctx;
  const rec = store.live(ticketId);
  if (store.coverage.surveyOfTicket.has(rec.t.id)) throw new Error(`Ticket ${ticketId} already has a satisfaction survey`);
  const now = store.stamp();
  const id = store.coverage.nextSurveyId++;
  const at = gorgiasDatetime(now);
  const s: GorgiasSatisfactionSurvey = {
    ...{ id, uri: `/api/satisfaction-surveys/${id}/`, ticket_id: rec.t.id, customer_id: rec.t.customer?.id ?? null },
    ...{
      score: null,
      body_text: null,
      meta: null,
      created_datetime: at,
      should_send_datetime: at,
      sent_datetime: at,
      scored_datetime: null,
    },
  };
  store.coverage.surveys.set(id, { o: s, c: now, visibleAt: visibleAt(ctx) });
  store.coverage.surveyOfTicket.set(rec.t.id, id);
  if (ctx.behaviour().surveyEvents)
    store.recordEvent('satisfaction-survey-created', 'SatisfactionSurvey', id, now, data(ctx, { ticket_id: rec.t.id }));
  return clone(s);
}

/**
 * The customer answers, possibly days after the survey was sent. Assumed: no event (option `surveyEvents`); its list position
 * (created_datetime) does not move, so only a re-read sees it; the ticket moves only with the option.
 */
export function scoreSurvey(
  ctx: MutationContext,
  surveyId: number,
  score: number,
  bodyText: string | null = null,
): GorgiasSatisfactionSurvey {
  if (!Number.isInteger(score) || score < 1 || score > 5) throw new Error('score must be an integer from 1 to 5');
  const rec = ctx.store.coverage.get<GorgiasSatisfactionSurvey>('satisfaction-surveys', surveyId);
  const now = ctx.store.stamp();
  Object.assign(rec.o, { score, body_text: bodyText, scored_datetime: gorgiasDatetime(now) });
  if (ctx.behaviour().surveyEvents) {
    ctx.store.recordEvent('satisfaction-survey-updated', 'SatisfactionSurvey', rec.o.id, now, data(ctx, { ticket_id: rec.o.ticket_id }));
  }
  const ticket = ctx.store.tickets.get(rec.o.ticket_id);
  if (ticket && ctx.behaviour().surveyScoreMovesTicketUpdatedDatetime) {
    ticket.t.updated_datetime = gorgiasDatetime(now);
    ticket.u = now;
    ctx.store.dirty();
  }
  return clone(rec.o);
}

/** A new Ticket field definition. Definitions have no events (the sync re-reads them on a slow schedule). */
export function createCustomField(ctx: MutationContext, partial: Partial<GorgiasCustomField> = {}): GorgiasCustomField {
  const { store } = ctx;
  const now = store.stamp();
  const id = store.coverage.nextFieldId++;
  const at = gorgiasDatetime(now);
  const f: GorgiasCustomField = {
    ...{ object_type: 'Ticket', label: `Field ${id}`, description: null, priority: 0, required: false, managed_type: null },
    ...{ definition: { data_type: 'text', input_settings: { input_type: 'input' } } },
    ...clone(partial),
    ...{ id, uri: `/api/custom-fields/${id}/`, deactivated_datetime: null, created_datetime: at, updated_datetime: at },
  };
  store.coverage.fields.set(id, { o: f, c: now, visibleAt: 0 });
  return clone(f);
}

/** Archives a definition: it leaves the default list (`archived=true` lists it); tickets keep their values. */
export function archiveCustomField(ctx: MutationContext, id: number): GorgiasCustomField {
  const rec = ctx.store.coverage.get<GorgiasCustomField>('custom-fields', id);
  const at = gorgiasDatetime(ctx.store.stamp());
  Object.assign(rec.o, { deactivated_datetime: at, updated_datetime: at });
  return clone(rec.o);
}
