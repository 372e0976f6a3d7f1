export const ROLES = ['admin', 'reader'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling: every query is scoped to `tenantId`. */
export interface AuthUser {
  tenantId: string;
  role: Role;
  /** When the token stops being valid (epoch ms), if it says; a subscription socket is closed then. */
  expiresAt?: number;
}
