/**
 * Provider-neutral rows the ticket-write repository stores (column names as in the tables; the
 * provider's mappers, e.g. src/gorgias/mappers, produce them). Timestamps are ISO strings.
 */

export interface TicketWriteRow {
  external_id: number;
  subject: string | null;
  excerpt: string | null;
  status: string;
  priority: string | null;
  channel: string | null;
  via: string | null;
  language: string | null;
  customer_external_id: number | null;
  customer_email: string | null;
  customer_name: string | null;
  tags: string[];
  messages_count: number;
  spam: boolean;
  created_at: string;
  updated_at: string;
  opened_at: string | null;
  closed_at: string | null;
  last_message_at: string | null;
  trashed_at: string | null;
  /** The provider's whole object, kept as jsonb. */
  payload: unknown;
}

export interface MessageWriteRow {
  external_id: number;
  ticket_external_id: number;
  channel: string | null;
  via: string | null;
  from_agent: boolean;
  public: boolean;
  sender_email: string | null;
  sender_name: string | null;
  receiver_email: string | null;
  receiver_name: string | null;
  subject: string | null;
  body_text: string | null;
  body_html: string | null;
  stripped_text: string | null;
  /** The length the provider sent of the longest body field, when it had to be cut to be stored; else null. */
  body_original_length: number | null;
  attachments: unknown[];
  created_at: string;
  sent_at: string | null;
  failed_at: string | null;
  deleted_at: string | null;
  /** Which version of the provider's message this is (an older one never overwrites a newer one). */
  source_version: string;
  payload: unknown;
}

export interface CustomerWriteRow {
  external_id: number;
  email: string | null;
  name: string | null;
  payload: unknown;
  /** Which version of the provider's customer this is (the updated time of the object that carried it). */
  source_version: string;
}

/** What one write did: items written (as a run counts them) and the tickets whose API-visible state changed. */
export interface WriteResult {
  /**
   * Rows this write inserted or changed as the API shows them. A record read again unchanged (the
   * incremental overlap window, a FULL re-read) is not counted: a run's "synced" figures are these.
   */
  written: number;
  /** Ticket ids (bigint as decimal string) whose API-visible state changed. */
  changedTicketIds: string[];
}
