/** Rows the read repositories return (column names as selected). */

export interface TicketRow {
  id: string;
  connector_id: string;
  external_id: string;
  subject: string | null;
  description: string | null;
  status: string;
  priority: string | null;
  channel: string | null;
  via: string | null;
  language: string | null;
  tags: string[] | null;
  messages_count: number;
  created_at: Date;
  updated_at: Date;
  closed_at: Date | null;
  last_message_at: Date | null;
  trashed_at: Date | null;
  deleted_at: Date | null;
  customer_external_id: string | null;
  customer_email: string | null;
  customer_name: string | null;
  /** updated_at with microseconds, for cursors. */
  updated_at_key: string;
}

export interface MessageRow {
  id: string;
  external_id: string;
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
  attachments: unknown;
  created_at: Date;
  sent_at: Date | null;
  failed_at: Date | null;
  /** created_at with microseconds, for cursors. */
  created_at_key: string;
}

/** A page of one ticket's messages, as the batch query returns it. */
export interface MessagePageRow extends MessageRow {
  ord: string;
  ticket_id: string;
  total: number;
}

export interface CustomerRow {
  connector_id: string;
  external_id: string;
  email: string | null;
  name: string | null;
}
