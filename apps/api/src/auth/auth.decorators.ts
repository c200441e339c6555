import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Actor, Role } from '../../../../libs/domain/src';

export const PUBLIC_ROUTE = 'yixin:public';
export const ALLOWED_ROLES = 'yixin:roles';
export const TOKEN_IN_QUERY = 'yixin:token-in-query';

/** The route needs no token (login, health, documentation). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/**
 * The route also takes the token as `?access_token=`: a browser's EventSource cannot send an
 * Authorization header. Only for streams, since a URL ends up in more logs than a header does.
 */
export const TokenInQuery = () => SetMetadata(TOKEN_IN_QUERY, true);

/** Only these roles may call the route; handlers check the finer scope themselves. */
export const Roles = (...roles: Role[]) => SetMetadata(ALLOWED_ROLES, roles);

/** The authenticated caller, as the domain sees them. */
export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => {
  return context.switchToHttp().getRequest<{ actor: Actor }>().actor;
});
