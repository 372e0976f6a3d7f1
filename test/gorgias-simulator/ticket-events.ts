/**
 * The events a ticket change records besides `ticket-updated`: status, assignment, team, tags, snooze and
 * spam, each only when that part changed. Their `data` follows `eventDataIds` (worst case null: a history
 * built from events then has to re-read the ticket to learn who was assigned or which tags moved).
 */
import type { GorgiasTicket } from '../../src/gorgias/gorgias.types';
import type { AccountStore } from './store';

type Snapshot = Pick<GorgiasTicket, 'status' | 'assignee_user' | 'assignee_team' | 'tags' | 'snooze_datetime' | 'spam'>;

export function ticketState(t: GorgiasTicket): Snapshot {
  return {
    status: t.status,
    assignee_user: t.assignee_user ? { id: t.assignee_user.id } : null,
    assignee_team: t.assignee_team ? { id: t.assignee_team.id } : null,
    tags: (t.tags ?? []).map((x) => ({ id: x.id, name: x.name })),
    snooze_datetime: t.snooze_datetime ?? null,
    spam: !!t.spam,
  };
}

export function recordTicketChangeEvents(
  store: AccountStore,
  o: { before: Snapshot; after: GorgiasTicket; at: number; withData: boolean; userId: number | null },
): void {
  const { before, after, at, withData, userId } = o;
  const rec = (type: string, data: Record<string, unknown>) =>
    store.recordEvent(type, 'Ticket', after.id, at, withData ? { ticket_id: after.id, ...data } : null, userId);
  if (before.status !== 'closed' && after.status === 'closed') rec('ticket-closed', {});
  if (before.status === 'closed' && after.status !== 'closed') rec('ticket-reopened', {});
  const userBefore = before.assignee_user?.id ?? null;
  const userAfter = after.assignee_user?.id ?? null;
  if (userAfter !== userBefore) {
    if (userAfter === null) rec('ticket-unassigned', { assignee_user_id: null, previous_assignee_user_id: userBefore });
    else rec('ticket-assigned', { assignee_user_id: userAfter });
  }
  const teamBefore = before.assignee_team?.id ?? null;
  const teamAfter = after.assignee_team?.id ?? null;
  if (teamAfter !== teamBefore) {
    if (teamAfter === null) rec('ticket-team-unassigned', { assignee_team_id: null, previous_assignee_team_id: teamBefore });
    else rec('ticket-team-assigned', { assignee_team_id: teamAfter });
  }
  const idsBefore = new Set((before.tags ?? []).map((x) => x.id));
  const idsAfter = new Set((after.tags ?? []).map((x) => x.id));
  const added = [...idsAfter].filter((id) => !idsBefore.has(id));
  const removed = [...idsBefore].filter((id) => !idsAfter.has(id));
  if (added.length) rec('ticket-tags-added', { tag_ids: added });
  if (removed.length) rec('ticket-tags-removed', { tag_ids: removed });
  if (after.snooze_datetime && after.snooze_datetime !== before.snooze_datetime)
    rec('ticket-snoozed', { snooze_datetime: after.snooze_datetime });
  if (!before.spam && after.spam) rec('ticket-marked-spam', {});
  if (before.spam && !after.spam) rec('ticket-unmarked-spam', {});
}
