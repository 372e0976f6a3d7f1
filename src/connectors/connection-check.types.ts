/**
 * The answer of "Test Connection", without GraphQL: the connection check and the failure advice (which
 * the engine reads) use these, and `api/models/connector.models.ts` registers them as GraphQL types.
 */
export enum ConnectionCheckCode {
  OK = 'OK',
  INVALID_CREDENTIALS = 'INVALID_CREDENTIALS',
  SUBDOMAIN_NOT_FOUND = 'SUBDOMAIN_NOT_FOUND',
  PERMISSION_DENIED = 'PERMISSION_DENIED',
  ACCOUNT_INACTIVE = 'ACCOUNT_INACTIVE',
  RATE_LIMITED = 'RATE_LIMITED',
  UNREACHABLE = 'UNREACHABLE',
  /** The stored API key cannot be decrypted here (its encryption key was retired): it must be entered again. */
  CREDENTIALS_UNREADABLE = 'CREDENTIALS_UNREADABLE',
}

/** Spelled field by field by the GraphQL `ConnectionCheck`, which implements it. */
export interface ConnectionCheckResult {
  ok: boolean;
  code: ConnectionCheckCode;
  message: string;
  accountDomain: string | null;
  canReadTickets: boolean;
  canReadMessages: boolean;
}
