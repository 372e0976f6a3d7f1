/**
 * An account's API keys. Real Gorgias API keys carry the permissions of the user who made them; OAuth2
 * apps carry scopes. The simulator models both on one key: `scopes` uses the real OAuth scope names
 * (there is no messages scope: `tickets:read` covers messages), `denied` removes resources a user's role
 * cannot see (so a 403 on messages can still be simulated), and `admin: false` refuses admin-only routes
 * (HTTP integrations) with the same 403.
 */
export type Scope =
  | 'account:read'
  | 'tickets:read'
  | 'tickets:write'
  | 'customers:read'
  | 'events:read'
  | 'integrations:read'
  | 'integrations:write'
  | 'users:read'
  | 'tags:read'
  | 'satisfaction_survey:read'
  | 'custom_fields:read';
export const ALL_SCOPES: Scope[] = [
  'account:read',
  'tickets:read',
  'tickets:write',
  'customers:read',
  'events:read',
  'integrations:read',
  'integrations:write',
  // Assumed names (docs/gorgias-api.md, Coverage objects); teams are read with users:read.
  'users:read',
  'tags:read',
  'satisfaction_survey:read',
  'custom_fields:read',
];

/** What a route reads or writes, for `denied`. */
export type Resource =
  | 'account'
  | 'tickets'
  | 'messages'
  | 'customers'
  | 'events'
  | 'integrations'
  | 'users'
  | 'teams'
  | 'tags'
  | 'satisfaction_surveys'
  | 'custom_fields';
export const ALL_RESOURCES: Resource[] = [
  'account',
  'tickets',
  'messages',
  'customers',
  'events',
  'integrations',
  'users',
  'teams',
  'tags',
  'satisfaction_surveys',
  'custom_fields',
];

export interface KeyOptions {
  apiKey: string;
  email: string;
  /** Default: every scope. */
  scopes?: Scope[];
  /** Resources this key's user may not access (403), e.g. ['messages']. Default none. */
  denied?: Resource[];
  /** Whether the key's user is an admin (default true). Non-admins get 403 on admin-only routes. */
  admin?: boolean;
}

export interface KeyGrant {
  scopes: Set<Scope>;
  denied: Set<Resource>;
  admin: boolean;
}

interface KeyRec extends KeyGrant {
  email: string;
  revoked: boolean;
}

export class KeyRing {
  private readonly keys = new Map<string, KeyRec>();

  constructor(private readonly subdomain: string) {}

  /** Adds a key, or replaces an existing key's owner and permissions. */
  add(o: KeyOptions): void {
    for (const s of o.scopes ?? []) {
      if (!ALL_SCOPES.includes(s)) {
        const hint =
          (s as string) === 'messages:read'
            ? " Gorgias has no messages scope (tickets:read covers messages); use denied: ['messages']."
            : '';
        throw new Error(`Unknown scope ${s}: use one of ${ALL_SCOPES.join(', ')}.${hint}`);
      }
    }
    for (const r of o.denied ?? [])
      if (!ALL_RESOURCES.includes(r)) throw new Error(`Unknown resource ${r} in denied: use one of ${ALL_RESOURCES.join(', ')}`);
    this.keys.set(o.apiKey, {
      email: o.email,
      scopes: new Set(o.scopes ?? ALL_SCOPES),
      denied: new Set(o.denied ?? []),
      admin: o.admin ?? true,
      revoked: false,
    });
  }

  revoke(apiKey: string): void {
    const k = this.keys.get(apiKey);
    if (!k) throw new Error(`Unknown API key for ${this.subdomain}`);
    k.revoked = true;
  }

  /** The key's permissions when email + key are valid, else null. */
  authenticate(email: string, apiKey: string): KeyGrant | null {
    const k = this.keys.get(apiKey);
    if (!k || k.revoked || k.email.toLowerCase() !== email.toLowerCase()) return null;
    return k;
  }
}
