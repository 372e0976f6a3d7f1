/**
 * Every failure of the Gorgias API is mapped to one of these codes in one place (GorgiasClient),
 * and the rest of the app turns the code into the setup guide's advice.
 */
export type GorgiasErrorCode =
  | 'INVALID_CREDENTIALS' // 401: wrong email or key, or the key was revoked/deleted
  | 'SUBDOMAIN_NOT_FOUND' // 404 on the account, or a host that does not exist
  | 'PERMISSION_DENIED' // 403: the key cannot read `resource`
  | 'ACCOUNT_INACTIVE' // the account is deactivated/suspended
  | 'RATE_LIMITED' // 429 still after the retries we allow
  | 'UNREACHABLE' // timeouts, cut connections, 5xx after retries
  | 'NOT_FOUND' // 404 on one object (e.g. a deleted ticket)
  | 'BAD_REQUEST'; // 400/422: our request was wrong

export type GorgiasResource =
  | 'account'
  | 'tickets'
  | 'messages'
  | 'events'
  | 'customers'
  | 'integrations'
  | 'users'
  | 'teams'
  | 'tags'
  | 'satisfaction_surveys'
  | 'custom_fields';

export class GorgiasApiError extends Error {
  constructor(
    readonly code: GorgiasErrorCode,
    message: string,
    readonly details: { status?: number; resource?: GorgiasResource; retryAfterSeconds?: number } = {},
  ) {
    super(message);
    this.name = 'GorgiasApiError';
  }
}
