import type { GorgiasCustomFieldValue } from './gorgias-coverage.types';

export type * from './gorgias-coverage.types';

/**
 * The Gorgias REST API objects the connector reads (fields per the API reference; see
 * docs/gorgias-api.md). Only what we use is typed; the whole payload is stored as jsonb.
 */
export interface GorgiasCredentials {
  email: string;
  apiKey: string;
  subdomain: string;
}

export interface GorgiasListMeta {
  next_cursor: string | null;
  prev_cursor: string | null;
}

export interface GorgiasPage<T> {
  object?: 'list';
  uri?: string;
  data: T[];
  meta: GorgiasListMeta;
}

export interface GorgiasListParams {
  /** 1..100 (API default 30). */
  limit?: number;
  cursor?: string;
  /** e.g. `updated_datetime:desc`, `created_datetime:asc`. */
  order_by?: string;
}

export interface GorgiasAccount {
  domain: string;
  status?: { status: string; notification?: unknown } | string;
  [key: string]: unknown;
}

export interface GorgiasCustomerRef {
  id: number;
  email?: string | null;
  name?: string | null;
  firstname?: string | null;
  lastname?: string | null;
  [key: string]: unknown;
}

export interface GorgiasParticipant {
  id?: number | null;
  email?: string | null;
  name?: string | null;
  [key: string]: unknown;
}

export interface GorgiasTag {
  id: number;
  name: string;
  [key: string]: unknown;
}

export interface GorgiasTicket {
  id: number;
  external_id?: string | null;
  status: string;
  priority?: string | null;
  channel?: string | null;
  via?: string | null;
  subject?: string | null;
  excerpt?: string | null;
  language?: string | null;
  customer?: GorgiasCustomerRef | null;
  assignee_user?: GorgiasParticipant | null;
  assignee_team?: { id: number; name?: string | null; [key: string]: unknown } | null;
  tags?: GorgiasTag[];
  messages_count?: number;
  spam?: boolean;
  /** Values of the admin-defined fields, keyed by field id (see `GET /api/custom-fields`). */
  custom_fields?: Record<string, GorgiasCustomFieldValue> | null;
  created_datetime: string;
  updated_datetime: string;
  opened_datetime?: string | null;
  closed_datetime?: string | null;
  last_message_datetime?: string | null;
  last_received_message_datetime?: string | null;
  snooze_datetime?: string | null;
  trashed_datetime?: string | null;
  /** Only on `GET /api/tickets/{id}`: the ticket's messages, oldest first. */
  messages?: GorgiasMessage[] | null;
  [key: string]: unknown;
}

export interface GorgiasAttachment {
  url: string;
  name?: string | null;
  size?: number | null;
  content_type?: string | null;
  [key: string]: unknown;
}

export interface GorgiasMessage {
  id: number;
  ticket_id: number;
  message_id?: string | null;
  channel?: string | null;
  via?: string | null;
  public?: boolean;
  from_agent?: boolean;
  sender?: GorgiasParticipant | null;
  receiver?: GorgiasParticipant | null;
  source?: Record<string, unknown> | null;
  subject?: string | null;
  body_text?: string | null;
  body_html?: string | null;
  stripped_text?: string | null;
  /** Can be null as well as empty. */
  attachments?: GorgiasAttachment[] | null;
  created_datetime: string;
  sent_datetime?: string | null;
  failed_datetime?: string | null;
  deleted_datetime?: string | null;
  [key: string]: unknown;
}

export interface GorgiasEvent {
  id: number;
  type: string;
  object_type?: string | null;
  object_id?: number | null;
  created_datetime: string;
  /** Undocumented content; some accounts give ids here (`ticket_id`, `merged_ticket_id`), others null. */
  data?: Record<string, unknown> | null;
  [key: string]: unknown;
}

/**
 * Events of a ticket that an HTTP integration (webhook) can be triggered by. Issue 24 added the assignment
 * and status ones (confirmed by Gorgias' web app trigger list; docs/gorgias-api.md "Coverage objects").
 */
export type GorgiasWebhookTrigger =
  'ticket-created' | 'ticket-updated' | 'ticket-message-created' | 'ticket-assignment-updated' | 'ticket-status-updated';

/** `POST /api/integrations` body of an HTTP integration (a webhook). Admin keys only. */
export interface GorgiasHttpIntegrationInput {
  type: 'http';
  name: string;
  http: {
    url: string;
    method: 'POST';
    request_content_type: 'application/json';
    headers: Record<string, string>;
    /** Templated body, e.g. `{"ticket_id": "{{ticket.id}}"}`. */
    form: Record<string, string>;
    triggers: Partial<Record<GorgiasWebhookTrigger, boolean>>;
  };
}

export interface GorgiasIntegration {
  id: number;
  type: string;
  name?: string;
  http?: { url?: string; [key: string]: unknown } | null;
  deactivated_datetime?: string | null;
  [key: string]: unknown;
}
