import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { createSecretKey, KeyObject } from 'node:crypto';
import { appConfig, AppConfig } from '../config/app.config';
import { AuthUser, ROLES } from './auth-user';

export class InvalidTokenError extends Error {}

/** Verified tokens remembered (a token's claims never change; expiry is checked on every use). */
const VERIFIED_CACHE_SIZE = 1000;

/** Bearer JWTs (HS256) carrying `tenantId` and `role`. */
@Injectable()
export class AuthService {
  /** A key object built once: given a string, jsonwebtoken first tries it as a PEM public key on every call. */
  private readonly verifyKey: KeyObject;
  /**
   * Tokens already verified, by their exact text: an HMAC check and a JSON parse per request saved for
   * clients that send the same token all day. Only valid tokens get in; expiry is checked on every hit.
   */
  private readonly verified = new Map<string, AuthUser>();

  constructor(
    private readonly jwt: JwtService,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {
    this.verifyKey = createSecretKey(Buffer.from(config.jwtSecret, 'utf8'));
  }

  /** Accepts `Bearer <jwt>` or the bare token; throws InvalidTokenError with a reason otherwise. */
  verifyAuthorization(header: unknown): AuthUser {
    if (typeof header !== 'string' || !header.trim()) throw new InvalidTokenError('missing bearer token');
    const token = header.replace(/^Bearer\s+/i, '').trim();
    const known = this.verified.get(token);
    if (known && (known.expiresAt === undefined || Date.now() < known.expiresAt)) return { ...known };
    if (known) this.verified.delete(token);
    const user = this.verifyToken(token);
    if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, user);
    return { ...user };
  }

  private verifyToken(token: string): AuthUser {
    let claims: Record<string, unknown>;
    try {
      claims = this.jwt.verify(token, { secret: this.verifyKey as never, algorithms: ['HS256'] });
    } catch (e) {
      throw new InvalidTokenError(e?.name === 'TokenExpiredError' ? 'token expired' : 'invalid token');
    }
    const { tenantId, role } = claims;
    if (typeof tenantId !== 'string' || !tenantId || tenantId.length > 200) {
      throw new InvalidTokenError('token has no tenantId claim');
    }
    if (!ROLES.includes(role as never)) throw new InvalidTokenError('token role must be admin or reader');
    // A token without an expiry would be valid forever (and its socket never closed): refused, as is one
    // issued for longer than the configured maximum.
    if (typeof claims.exp !== 'number') throw new InvalidTokenError('token has no expiry (exp claim); issue tokens with an expiry');
    const issuedAt = typeof claims.iat === 'number' ? claims.iat : Math.floor(Date.now() / 1000);
    if (claims.exp - issuedAt > this.config.jwtMaxLifetimeSeconds) {
      throw new InvalidTokenError(`token lifetime exceeds the maximum of ${Math.round(this.config.jwtMaxLifetimeSeconds / 3600)} hours`);
    }
    return { tenantId, role: role as AuthUser['role'], expiresAt: claims.exp * 1000 };
  }

  sign(user: AuthUser, expiresIn: number | `${number}${'s' | 'm' | 'h' | 'd'}` = '30d'): string {
    return signToken(user, this.config.jwtSecret, expiresIn);
  }
}

export function signToken(user: AuthUser, secret: string, expiresIn: number | string = '30d'): string {
  return new JwtService().sign({ tenantId: user.tenantId, role: user.role }, { secret, algorithm: 'HS256', expiresIn: expiresIn as never });
}
