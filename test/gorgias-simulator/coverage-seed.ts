/**
 * Seeds an account's users, teams, tags, custom field definitions, per-ticket custom field values, spam and
 * snoozes, and satisfaction surveys. It runs after seed.ts with its own PRNG, so the tickets and messages a
 * seed gave before issue 24 stay exactly the same.
 */
import type { GorgiasCustomFieldValue, GorgiasSatisfactionSurvey } from '../../src/gorgias/gorgias.types';
import { gorgiasDatetime } from './datetime';
import { DAY } from './seed';
import { TEAMS } from './seed-vocabulary';
import type { AccountStore } from './store';

const REASONS = ['Order status', 'Return', 'Refund', 'Product question', 'Other'];
const COMMENTS = ['Quick and helpful, thanks!', 'Took too long.', 'Parfait 👍', 'The agent did not read my message.', null];

/** Field definitions: a dropdown, a text, a number, a boolean, and an archived dropdown tickets still carry. */
function fieldDefs(created: number) {
  const at = gorgiasDatetime(created);
  const def = (label: string, inputType: string, dataType: string, extra: Record<string, unknown> = {}) => ({
    object_type: 'Ticket',
    label,
    description: null,
    priority: 0,
    required: false,
    managed_type: null,
    definition: { data_type: dataType, input_settings: { input_type: inputType, ...extra } },
    deactivated_datetime: null,
    created_datetime: at,
    updated_datetime: at,
  });
  return [
    def('Contact reason', 'dropdown', 'text', { choices: REASONS }),
    def('Order number', 'input', 'text'),
    def('Items in order', 'input_number', 'number'),
    def('Escalated', 'dropdown', 'boolean', { choices: [true, false] }),
    { ...def('Legacy category', 'dropdown', 'text', { choices: ['A', 'B'] }), deactivated_datetime: gorgiasDatetime(created + 300 * DAY) },
  ];
}

export function seedCoverage(store: AccountStore, rng: () => number): void {
  const cov = store.coverage;
  const now = Date.now();
  const origin = now - 800 * DAY;
  const visibleAt = 0;
  for (const [i, a] of store.agents.entries()) {
    const c = origin + i * DAY;
    const id = cov.nextUserId++;
    const at = gorgiasDatetime(c);
    cov.users.set(id, {
      c,
      visibleAt,
      o: {
        ...{ id, uri: `/api/users/${id}/`, email: a.email, name: a.name, firstname: a.firstname, lastname: a.lastname },
        ...{ role: { name: i === 0 ? 'admin' : 'agent' }, active: true, bio: null, meta: {}, timezone: 'UTC', language: 'en' },
        ...{ external_id: null, created_datetime: at, updated_datetime: at, deactivated_datetime: null },
      },
    });
  }
  const users = [...cov.users.values()].map((r) => r.o);
  TEAMS.forEach((name, i) => {
    const c = origin + (10 + i) * DAY;
    const id = cov.nextTeamId++;
    const members = users.filter((_, k) => (k + i) % 2 === 0).map((u) => ({ id: u.id, name: u.name, email: u.email }));
    const at = gorgiasDatetime(c);
    cov.teams.set(id, {
      c,
      visibleAt,
      o: {
        id,
        uri: `/api/teams/${id}/`,
        name,
        description: null,
        decoration: { emoji: null },
        members,
        created_datetime: at,
        updated_datetime: at,
      },
    });
  });
  const usage = new Map<number, number>();
  for (const r of store.tickets.values()) for (const t of r.t.tags ?? []) usage.set(t.id, (usage.get(t.id) ?? 0) + 1);
  for (const [i, tg] of store.tags.entries()) {
    const c = origin + (20 + i) * DAY;
    cov.nextTagId = Math.max(cov.nextTagId, tg.id + 1);
    const o = { id: tg.id, uri: `/api/tags/${tg.id}/`, name: tg.name, description: null, decoration: { color: '#6c5ce7' } };
    cov.tags.set(tg.id, {
      c,
      visibleAt,
      o: { ...o, usage: usage.get(tg.id) ?? 0, created_datetime: gorgiasDatetime(c), deleted_datetime: null },
    });
  }
  for (const [i, d] of fieldDefs(origin + 30 * DAY).entries()) {
    const id = cov.nextFieldId++;
    cov.fields.set(id, { c: origin + 30 * DAY + i, visibleAt, o: { id, uri: `/api/custom-fields/${id}/`, ...d } });
  }
  const [reason, orderNo, items, escalated, legacy] = [...cov.fields.keys()];
  const thirtyDaysAgo = now - 30 * DAY;
  for (const rec of store.tickets.values()) {
    const t = rec.t;
    const values: Record<string, GorgiasCustomFieldValue> = {};
    const put = (id: number, value: unknown) => (values[String(id)] = { id, value });
    if (rng() < 0.7) put(reason, REASONS[Math.floor(rng() * REASONS.length)]);
    if (rng() < 0.4) put(orderNo, `#${1000 + Math.floor(rng() * 90000)}`);
    if (rng() < 0.3) put(items, 1 + Math.floor(rng() * 5));
    if (rng() < 0.15) put(escalated, rng() < 0.5);
    if (rec.c < origin + 330 * DAY && rng() < 0.5) put(legacy, rng() < 0.5 ? 'A' : 'B');
    t.custom_fields = values;
    if (rng() < 0.01) t.spam = true;
    if (t.status === 'open' && rng() < 0.03) t.snooze_datetime = gorgiasDatetime(now + (1 + Math.floor(rng() * 5)) * DAY);
    // A survey for about half the closed tickets, sent some hours after closing; recent ones often unscored.
    const closed = t.closed_datetime ? Date.parse(t.closed_datetime) : NaN;
    if (!Number.isFinite(closed) || rng() >= 0.5) continue;
    const sent = closed + 3_600_000 + Math.floor(rng() * 20 * 3_600_000);
    if (sent >= now - 60_000) continue;
    const scoredShare = sent < thirtyDaysAgo ? 0.7 : 0.4;
    const scored = rng() < scoredShare ? Math.min(now - 60_000, sent + Math.floor(rng() * 5 * DAY)) : null;
    const id = cov.nextSurveyId++;
    const s: GorgiasSatisfactionSurvey = {
      id,
      uri: `/api/satisfaction-surveys/${id}/`,
      ticket_id: t.id,
      customer_id: t.customer?.id ?? null,
      score: scored === null ? null : 1 + Math.floor(rng() * 5),
      body_text: scored === null ? null : COMMENTS[Math.floor(rng() * COMMENTS.length)],
      meta: null,
      created_datetime: gorgiasDatetime(sent),
      should_send_datetime: gorgiasDatetime(sent),
      sent_datetime: gorgiasDatetime(sent),
      scored_datetime: scored === null ? null : gorgiasDatetime(scored),
    };
    cov.surveys.set(id, { c: sent, visibleAt, o: s });
    cov.surveyOfTicket.set(t.id, id);
    store.seen(scored ?? sent);
  }
}
