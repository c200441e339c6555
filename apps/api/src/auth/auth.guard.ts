import { ForbiddenException, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { TokenRevocation, type IssuedToken } from '@yixin/directory';
import { ROLES, type Actor, type Role } from '@yixin/domain';
import { ALLOWED_ROLES, ORGANISATION_ADMINISTRATORS, PUBLIC_ROUTE, TOKEN_IN_QUERY } from './auth.decorators';

/** What login signs; `jti` and `exp` are set by the library from the sign options. */
export interface TokenClaims {
  sub: string;
  role: Role;
  org: string;
  /** The user administers their organisation's users. */
  adm: boolean;
  /** The user's token generation at login (see TokenRevocation). */
  gen: number;
}

interface VerifiedClaims extends TokenClaims {
  jti?: string;
  exp: number;
}

/** Tokens whose signature was checked, remembered (oldest forgotten first) so that it is checked once. */
const VERIFIED_TOKENS_KEPT = 10_000;

/**
 * Every request carries a valid bearer token unless its route is public: signed, unexpired, not
 * revoked; the token's role must be allowed, and the route may be for administrators only.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly verified = new Map<string, VerifiedClaims>();

  constructor(private readonly jwt: JwtService, private readonly reflector: Reflector, private readonly revocation: TokenRevocation) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const request = context.switchToHttp().getRequest<{
      headers: Record<string, string | undefined>;
      query: Record<string, unknown>;
      actor?: Actor;
      token?: IssuedToken;
    }>();
    const [scheme, bearer] = (request.headers.authorization ?? '').split(' ');
    const inQuery = this.reflector.getAllAndOverride<boolean>(TOKEN_IN_QUERY, targets) ? request.query.access_token : undefined;
    const presented = scheme === 'Bearer' && bearer ? bearer : typeof inQuery === 'string' ? inQuery : '';
    if (!presented) throw new UnauthorizedException('a bearer token is required (POST /auth/login)');
    let claims: VerifiedClaims;
    try {
      claims = await this.verify(presented);
    } catch {
      throw new UnauthorizedException('the bearer token is invalid or expired');
    }
    // The library checks `exp` only when present: a token without one, signed with the secret, would never expire.
    if (typeof claims.exp !== 'number') throw new UnauthorizedException('the bearer token has no expiry');
    if (!ROLES.includes(claims.role) || claims.role === 'system') throw new UnauthorizedException('the bearer token has no valid role');
    // Tokens signed before tokens could be revoked carry neither; they cannot be trusted to be live.
    if (!claims.jti || typeof claims.gen !== 'number') throw new UnauthorizedException('the bearer token is of an older kind; sign in again');
    const token: IssuedToken = { jti: claims.jti, userId: claims.sub, generation: claims.gen, expiresAt: claims.exp * 1000 };
    if (!(await this.revocation.isLive(token))) {
      throw new UnauthorizedException('the bearer token was revoked (signed out, or the account was changed or disabled)');
    }
    request.actor = { userId: claims.sub, role: claims.role, organisationId: claims.org };
    request.token = token;
    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ALLOWED_ROLES, targets);
    if (allowed && !allowed.includes(claims.role)) {
      throw new ForbiddenException(`this action is for ${allowed.join(', ')}; you are ${claims.role}`);
    }
    if (this.reflector.getAllAndOverride<boolean>(ORGANISATION_ADMINISTRATORS, targets) && claims.adm !== true) {
      throw new ForbiddenException('this action is for administrators of an organisation');
    }
    return true;
  }

  /** The signature check costs more than the rest of a request's authentication; its verdict holds until the token expires. */
  private async verify(presented: string): Promise<VerifiedClaims> {
    const known = this.verified.get(presented);
    if (known && known.exp * 1000 > Date.now()) return known;
    this.verified.delete(presented);
    const claims = await this.jwt.verifyAsync<VerifiedClaims>(presented);
    if (this.verified.size >= VERIFIED_TOKENS_KEPT) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(presented, claims);
    return claims;
  }
}
