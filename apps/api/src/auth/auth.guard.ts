import { ForbiddenException, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { ROLES, type Actor, type Role } from '../../../../libs/domain/src';
import { ALLOWED_ROLES, PUBLIC_ROUTE, TOKEN_IN_QUERY } from './auth.decorators';

export interface TokenClaims {
  sub: string;
  role: Role;
  org: string;
}

/** Every request carries a valid bearer token unless its route is public; the token's role must be allowed. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly jwt: JwtService, private readonly reflector: Reflector) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; query: Record<string, unknown>; actor?: Actor }>();
    const [scheme, bearer] = (request.headers.authorization ?? '').split(' ');
    const inQuery = this.reflector.getAllAndOverride<boolean>(TOKEN_IN_QUERY, targets) ? request.query.access_token : undefined;
    const token = scheme === 'Bearer' && bearer ? bearer : typeof inQuery === 'string' ? inQuery : '';
    if (!token) throw new UnauthorizedException('a bearer token is required (POST /auth/login)');
    let claims: TokenClaims;
    try {
      claims = await this.jwt.verifyAsync<TokenClaims>(token);
    } catch {
      throw new UnauthorizedException('the bearer token is invalid or expired');
    }
    if (!ROLES.includes(claims.role) || claims.role === 'system') throw new UnauthorizedException('the bearer token has no valid role');
    request.actor = { userId: claims.sub, role: claims.role, organisationId: claims.org };
    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ALLOWED_ROLES, targets);
    if (allowed && !allowed.includes(claims.role)) {
      throw new ForbiddenException(`this action is for ${allowed.join(', ')}; you are ${claims.role}`);
    }
    return true;
  }
}
