/** An account's API keys: who they belong to, what they may read, whether they were revoked. */
export type Scope = 'account:read' | 'tickets:read' | 'messages:read' | 'events:read';
export const ALL_SCOPES: Scope[] = ['account:read', 'tickets:read', 'messages:read', 'events:read'];

export interface KeyOptions {
  apiKey: string;
  email: string;
  scopes?: Scope[];
}

interface KeyRec {
  email: string;
  scopes: Set<Scope>;
  revoked: boolean;
}

export class KeyRing {
  private readonly keys = new Map<string, KeyRec>();

  constructor(private readonly subdomain: string) {}

  /** Adds a key, or replaces an existing key's owner and scopes. */
  add(o: KeyOptions): void {
    for (const s of o.scopes ?? []) if (!ALL_SCOPES.includes(s)) throw new Error(`Unknown scope ${s}`);
    this.keys.set(o.apiKey, { email: o.email, scopes: new Set(o.scopes ?? ALL_SCOPES), revoked: false });
  }

  revoke(apiKey: string): void {
    const k = this.keys.get(apiKey);
    if (!k) throw new Error(`Unknown API key for ${this.subdomain}`);
    k.revoked = true;
  }

  /** The key's scopes when email + key are valid, else null. */
  authenticate(email: string, apiKey: string): Set<Scope> | null {
    const k = this.keys.get(apiKey);
    if (!k || k.revoked || k.email.toLowerCase() !== email.toLowerCase()) return null;
    return k.scopes;
  }
}
