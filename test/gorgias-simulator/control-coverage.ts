/**
 * Control routes (`/__control/{sub}/…`) for `SimAccount.coverage`: users, teams, tags, surveys, custom
 * fields and the ticket changes of a history. Bodies may carry `by` (the acting user's id).
 */
import type { Account } from './account';
import type { Reply } from './http-io';

export function coverageControl(a: Account, method: string, rest: string[], json: any): Reply | null {
  const c = a.coverage;
  const [head, rawId, action] = rest;
  const id = Number(rawId);
  const hasId = rest.length >= 2 && Number.isInteger(id);
  const by = { by: json.by ?? null };
  const ok = (body: unknown, status = 200): Reply => ({ status, body: body ?? { ok: true } });
  if (method === 'GET' && rest.length === 1 && head === 'coverage') return ok(c.snapshot());
  if (method === 'POST' && rest.length === 1) {
    if (head === 'users') return ok(c.createUser(json), 201);
    if (head === 'teams') return ok(c.createTeam(json), 201);
    if (head === 'tags') return ok(c.createTag(json), 201);
    if (head === 'custom-fields') return ok(c.createCustomField(json), 201);
  }
  if (!hasId) return null;
  if (rest.length === 2) {
    if (method === 'PATCH' && head === 'users') return ok(c.updateUser(id, json));
    if (method === 'PATCH' && head === 'teams') return ok(c.updateTeam(id, json));
    if (method === 'DELETE' && head === 'users') return (c.deleteUser(id), ok(null));
    if (method === 'DELETE' && head === 'teams') return (c.deleteTeam(id), ok(null));
    if (method === 'DELETE' && head === 'tags') return (c.deleteTag(id), ok(null));
    return null;
  }
  if (method !== 'POST' || rest.length !== 3) return null;
  if (head === 'users' && action === 'deactivate') return ok(c.deactivateUser(id));
  if (head === 'tags' && action === 'merge') return ok(c.mergeTags(id, Number(json.into)));
  if (head === 'satisfaction-surveys' && action === 'score') return ok(c.scoreSurvey(id, Number(json.score), json.body_text ?? null));
  if (head === 'custom-fields' && action === 'archive') return ok(c.archiveCustomField(id));
  if (head !== 'tickets') return null;
  switch (action) {
    case 'survey':
      return ok(c.sendSurvey(id), 201);
    case 'assign':
      return ok(c.assignUser(id, json.userId ?? null, by));
    case 'team':
      return ok(c.assignTeam(id, json.teamId ?? null, by));
    case 'tags': {
      if (json.add?.length) c.addTags(id, json.add.map(Number), by);
      if (json.remove?.length) c.removeTags(id, json.remove.map(Number), by);
      return ok(a.store.live(id).t);
    }
    case 'close':
      return ok(c.closeTicket(id, by));
    case 'reopen':
      return ok(c.reopenTicket(id, by));
    case 'snooze':
      return ok(c.snoozeTicket(id, json.until ?? null, by));
    case 'spam':
      return ok(c.markSpam(id, json.spam !== false, by));
    case 'custom-fields':
      return ok(c.setCustomFields(id, json.values ?? {}, by));
    default:
      return null;
  }
}
