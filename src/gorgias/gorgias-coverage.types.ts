/**
 * Gorgias objects beyond tickets, messages and customers (issue 24): users (agents), teams, tags,
 * satisfaction surveys and custom field definitions. Fields per docs/gorgias-api.md "Coverage objects";
 * only what the sync will store is typed, the rest travels in the jsonb payload.
 */

/** `GET /api/users`: an agent or admin of the helpdesk. */
export interface GorgiasUser {
  id: number;
  email?: string | null;
  name?: string | null;
  firstname?: string | null;
  lastname?: string | null;
  /** e.g. `{ name: 'agent' }`; admins, lead agents, observers … */
  role?: { name?: string | null; [key: string]: unknown } | null;
  /** False once the user was deactivated (assumed: a deactivated user may leave the list). */
  active?: boolean;
  created_datetime?: string | null;
  updated_datetime?: string | null;
  deactivated_datetime?: string | null;
  [key: string]: unknown;
}

/** `GET /api/teams`. */
export interface GorgiasTeam {
  id: number;
  name: string;
  description?: string | null;
  members?: { id: number; name?: string | null; email?: string | null; [key: string]: unknown }[] | null;
  created_datetime?: string | null;
  [key: string]: unknown;
}

/** `GET /api/tags` (a ticket's `tags` carry `{id, name}` only). */
export interface GorgiasTagDefinition {
  id: number;
  name: string;
  description?: string | null;
  usage?: number | null;
  created_datetime?: string | null;
  deleted_datetime?: string | null;
  [key: string]: unknown;
}

/**
 * `GET /api/satisfaction-surveys`: one per ticket, created when sent and scored later, so one listed
 * by creation time can still change (score, body_text, scored_datetime).
 */
export interface GorgiasSatisfactionSurvey {
  id: number;
  ticket_id: number;
  customer_id?: number | null;
  /** 1..5, null until the customer answers. */
  score?: number | null;
  body_text?: string | null;
  created_datetime: string;
  sent_datetime?: string | null;
  scored_datetime?: string | null;
  [key: string]: unknown;
}

/** `GET /api/custom-fields?object_type=Ticket`: a field an admin defined (values live on each ticket). */
export interface GorgiasCustomField {
  id: number;
  object_type: 'Ticket' | 'Customer' | string;
  label: string;
  /** e.g. `{ data_type: 'text', input_settings: { input_type: 'dropdown', choices: [...] } }`. */
  definition?: Record<string, unknown> | null;
  required?: boolean;
  deactivated_datetime?: string | null;
  created_datetime?: string | null;
  updated_datetime?: string | null;
  [key: string]: unknown;
}

/** One value on a ticket's `custom_fields`, keyed by the field id (as a string). Value: text, number, boolean … */
export interface GorgiasCustomFieldValue {
  id: number;
  value: unknown;
  [key: string]: unknown;
}
