/**
 * HTTP integrations (Gorgias' webhooks): created by an admin's key with `POST /api/integrations`,
 * validated like the real API would (400 with a message per field), listed, read and deleted.
 */
import type { GorgiasMessage, GorgiasTicket } from '../../../src/gorgias/gorgias.types';
import { ApiError } from '../api-error';
import { gorgiasDatetime } from '../datetime';

/** Trigger keys of the web app's HTTP integration form; the reference's example spells them with underscores. */
export const TRIGGERS = [
  'ticket-created',
  'ticket-updated',
  'ticket-self-unsnoozed',
  'ticket-message-created',
  'ticket-message-failed',
  'ticket-assignment-updated',
  'ticket-status-updated',
] as const;
export type Trigger = (typeof TRIGGERS)[number];

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const CONTENT_TYPES = ['application/json', 'application/x-www-form-urlencoded'];

export interface HttpIntegration {
  id: number;
  type: 'http';
  name: string;
  uri: string;
  http: {
    url: string;
    method: string;
    request_content_type: string;
    headers: Record<string, string>;
    form: Record<string, unknown>;
    triggers: Partial<Record<Trigger, boolean>>;
  };
  created_datetime: string;
  updated_datetime: string;
  deactivated_datetime: string | null;
}

/** What a trigger fires with: the objects its templates can read. */
export interface TriggerPayload {
  ticket: GorgiasTicket;
  message?: GorgiasMessage;
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Validates a create body; throws 400 naming each bad field. */
export function validateIntegration(
  body: unknown,
): Omit<HttpIntegration, 'id' | 'uri' | 'created_datetime' | 'updated_datetime' | 'deactivated_datetime'> {
  const errors: Record<string, string[]> = {};
  const bad = (field: string, msg: string) => (errors[field] = [msg]);
  if (!isObject(body)) throw new ApiError(400, 'Invalid body.', { _schema: ['A JSON object is required.'] });
  if (body.type !== 'http') bad('type', 'Only "http" integrations can be created here.');
  if (typeof body.name !== 'string' || !body.name.trim()) bad('name', 'Missing data for required field.');
  const h = body.http;
  const http = {
    url: '',
    method: 'POST',
    request_content_type: 'application/json',
    headers: {} as Record<string, string>,
    form: {} as Record<string, unknown>,
    triggers: {} as Partial<Record<Trigger, boolean>>,
  };
  if (!isObject(h)) bad('http', 'Missing data for required field.');
  else {
    try {
      const u = new URL(String(h.url));
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
      http.url = String(h.url);
    } catch {
      bad('http.url', 'Not a valid URL.');
    }
    if (h.method !== undefined) {
      if (typeof h.method !== 'string' || !METHODS.includes(h.method.toUpperCase()))
        bad('http.method', `Must be one of: ${METHODS.join(', ')}.`);
      else http.method = h.method.toUpperCase();
    }
    if (h.request_content_type !== undefined) {
      if (typeof h.request_content_type !== 'string' || !CONTENT_TYPES.includes(h.request_content_type))
        bad('http.request_content_type', `Must be one of: ${CONTENT_TYPES.join(', ')}.`);
      else http.request_content_type = h.request_content_type;
    }
    if (h.headers !== undefined) {
      if (!isObject(h.headers) || Object.values(h.headers).some((v) => typeof v !== 'string'))
        bad('http.headers', 'Must be an object of strings.');
      else http.headers = { ...(h.headers as Record<string, string>) };
    }
    if (h.form !== undefined) {
      if (!isObject(h.form)) bad('http.form', 'Must be an object.');
      else http.form = structuredClone(h.form);
    }
    if (!isObject(h.triggers)) bad('http.triggers', 'Missing data for required field.');
    else {
      for (const [k, v] of Object.entries(h.triggers)) {
        const key = k.replace(/_/g, '-') as Trigger;
        if (!TRIGGERS.includes(key)) bad(`http.triggers.${k}`, `Unknown trigger. Known: ${TRIGGERS.join(', ')}.`);
        else if (typeof v !== 'boolean') bad(`http.triggers.${k}`, 'Not a valid boolean.');
        else http.triggers[key] = v;
      }
    }
  }
  if (Object.keys(errors).length) throw new ApiError(400, 'Invalid body.', errors);
  return { type: 'http', name: String(body.name), http };
}

export class IntegrationRegistry {
  private readonly items = new Map<number, HttpIntegration>();
  private nextId = 40_001;

  create(body: unknown, now: number): HttpIntegration {
    const v = validateIntegration(body);
    const id = this.nextId++;
    const at = gorgiasDatetime(now);
    const integ: HttpIntegration = {
      id,
      uri: `/api/integrations/${id}/`,
      ...v,
      created_datetime: at,
      updated_datetime: at,
      deactivated_datetime: null,
    };
    this.items.set(id, integ);
    return structuredClone(integ);
  }

  get(id: number): HttpIntegration {
    const i = this.items.get(id);
    if (!i) throw new ApiError(404, `Integration ${id} not found`);
    return i;
  }

  delete(id: number): void {
    this.get(id);
    this.items.delete(id);
  }

  /** Ascending by id (= creation order). */
  all(): HttpIntegration[] {
    return [...this.items.values()].sort((a, b) => a.id - b.id);
  }

  /** Active integrations whose trigger is on. */
  matching(trigger: Trigger): HttpIntegration[] {
    return this.all().filter((i) => !i.deactivated_datetime && i.http.triggers[trigger] === true);
  }
}
