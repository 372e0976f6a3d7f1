/**
 * `SimAccount.coverage`: what tests do to users, teams, tags, satisfaction surveys, custom fields, and the
 * ticket changes a ticket history is made of (assignment, team, tags, status, snooze, spam). Ticket changes
 * go through updateTicket, so each moves updated_datetime, records `ticket-updated` plus its own event, and
 * fires the webhook triggers a change of that kind fires.
 */
import type {
  GorgiasCustomField,
  GorgiasSatisfactionSurvey,
  GorgiasTagDefinition,
  GorgiasTeam,
  GorgiasTicket,
  GorgiasUser,
} from '../../src/gorgias/gorgias.types';
import * as cov from './coverage-mutations';
import { gorgiasDatetime } from './datetime';
import type { MutationContext } from './mutation-context';
import { updateTicket } from './ticket-mutations';

/** `by`: the user making the change (the events' `user_id`). */
export interface ActorOption {
  by?: number | null;
}

export interface SimCoverage {
  createUser(partial?: Partial<GorgiasUser>): GorgiasUser;
  updateUser(id: number, patch: Partial<GorgiasUser>): GorgiasUser;
  deactivateUser(id: number): GorgiasUser;
  deleteUser(id: number): void;
  createTeam(partial?: Partial<GorgiasTeam>): GorgiasTeam;
  updateTeam(id: number, patch: Partial<GorgiasTeam>): GorgiasTeam;
  deleteTeam(id: number): void;
  createTag(partial?: Partial<GorgiasTagDefinition>): GorgiasTagDefinition;
  deleteTag(id: number): void;
  mergeTags(sourceId: number, targetId: number): GorgiasTagDefinition;
  sendSurvey(ticketId: number): GorgiasSatisfactionSurvey;
  scoreSurvey(surveyId: number, score: number, bodyText?: string | null): GorgiasSatisfactionSurvey;
  createCustomField(partial?: Partial<GorgiasCustomField>): GorgiasCustomField;
  archiveCustomField(id: number): GorgiasCustomField;
  /** userId null unassigns: `ticket-assigned` / `ticket-unassigned`. */
  assignUser(ticketId: number, userId: number | null, o?: ActorOption): GorgiasTicket;
  /** teamId null unassigns: `ticket-team-assigned` / `ticket-team-unassigned`. */
  assignTeam(ticketId: number, teamId: number | null, o?: ActorOption): GorgiasTicket;
  addTags(ticketId: number, tagIds: number[], o?: ActorOption): GorgiasTicket;
  removeTags(ticketId: number, tagIds: number[], o?: ActorOption): GorgiasTicket;
  closeTicket(ticketId: number, o?: ActorOption): GorgiasTicket;
  reopenTicket(ticketId: number, o?: ActorOption): GorgiasTicket;
  /** `until` an ISO datetime; null wakes it (no event of its own). */
  snoozeTicket(ticketId: number, until: string | null, o?: ActorOption): GorgiasTicket;
  markSpam(ticketId: number, spam: boolean, o?: ActorOption): GorgiasTicket;
  /** Sets values by field id (null clears one); records only `ticket-updated` (assumed: no own event). */
  setCustomFields(ticketId: number, values: Record<number, unknown>, o?: ActorOption): GorgiasTicket;
  /** Every user, team, tag, survey and field, shown or not (the ground truth). */
  snapshot(): {
    users: GorgiasUser[];
    teams: GorgiasTeam[];
    tags: GorgiasTagDefinition[];
    surveys: GorgiasSatisfactionSurvey[];
    customFields: GorgiasCustomField[];
  };
}

export function coverageFacade(ctx: MutationContext): SimCoverage {
  const { store } = ctx;
  const c = store.coverage;
  const upd = (id: number, patch: Partial<GorgiasTicket>, o: ActorOption = {}) => updateTicket(ctx, id, patch, { userId: o.by ?? null });
  const tagsOf = (id: number) => (store.live(id).t.tags ?? []).map((x) => ({ id: x.id, name: x.name }));
  const all = <T>(m: Map<number, { o: T }>) => [...m.values()].map((r) => structuredClone(r.o));
  return {
    createUser: (p) => cov.createUser(ctx, p),
    updateUser: (id, p) => cov.updateUser(ctx, id, p),
    deactivateUser: (id) => cov.deactivateUser(ctx, id),
    deleteUser: (id) => cov.deleteUser(ctx, id),
    createTeam: (p) => cov.createTeam(ctx, p),
    updateTeam: (id, p) => cov.updateTeam(ctx, id, p),
    deleteTeam: (id) => cov.deleteTeam(ctx, id),
    createTag: (p) => cov.createTag(ctx, p),
    deleteTag: (id) => cov.deleteTag(ctx, id),
    mergeTags: (s, t) => cov.mergeTags(ctx, s, t),
    sendSurvey: (id) => cov.sendSurvey(ctx, id),
    scoreSurvey: (id, score, text) => cov.scoreSurvey(ctx, id, score, text ?? null),
    createCustomField: (p) => cov.createCustomField(ctx, p),
    archiveCustomField: (id) => cov.archiveCustomField(ctx, id),
    assignUser: (ticketId, userId, o) => {
      const u = userId === null ? null : c.get<GorgiasUser>('users', userId).o;
      const ref = u && { id: u.id, email: u.email, name: u.name, firstname: u.firstname, lastname: u.lastname, meta: null, bio: null };
      return upd(ticketId, { assignee_user: ref }, o);
    },
    assignTeam: (ticketId, teamId, o) => {
      const t = teamId === null ? null : c.get<GorgiasTeam>('teams', teamId).o;
      return upd(ticketId, { assignee_team: t && { id: t.id, name: t.name } }, o);
    },
    addTags: (ticketId, tagIds, o) => {
      const tags = tagsOf(ticketId);
      for (const id of tagIds) {
        const def = c.get<GorgiasTagDefinition>('tags', id).o;
        if (!tags.some((x) => x.id === def.id)) tags.push({ id: def.id, name: def.name });
      }
      return upd(ticketId, { tags }, o);
    },
    removeTags: (ticketId, tagIds, o) => upd(ticketId, { tags: tagsOf(ticketId).filter((x) => !tagIds.includes(x.id)) }, o),
    closeTicket: (ticketId, o) => upd(ticketId, { status: 'closed' }, o),
    reopenTicket: (ticketId, o) => upd(ticketId, { status: 'open' }, o),
    snoozeTicket: (ticketId, until, o) => upd(ticketId, { snooze_datetime: until === null ? null : gorgiasDatetime(Date.parse(until)) }, o),
    markSpam: (ticketId, spam, o) => upd(ticketId, { spam }, o),
    setCustomFields: (ticketId, values, o) => {
      const current = { ...(store.live(ticketId).t.custom_fields ?? {}) };
      for (const [k, value] of Object.entries(values)) {
        const def = c.get<GorgiasCustomField>('custom-fields', Number(k)).o;
        if (value === null) delete current[String(def.id)];
        else current[String(def.id)] = { id: def.id, value };
      }
      return upd(ticketId, { custom_fields: current }, o);
    },
    snapshot: () => ({ users: all(c.users), teams: all(c.teams), tags: all(c.tags), surveys: all(c.surveys), customFields: all(c.fields) }),
  };
}
