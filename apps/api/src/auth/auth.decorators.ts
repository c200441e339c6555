import { applyDecorators, createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Actor, Role } from '@yixin/domain';
import type { IssuedToken } from '@yixin/directory';
import { ApiError } from '../api-errors';

export const PUBLIC_ROUTE = 'yixin:public';
export const ALLOWED_ROLES = 'yixin:roles';
export const ORGANISATION_ADMINISTRATORS = 'yixin:organisation-administrators';
export const TOKEN_IN_QUERY = 'yixin:token-in-query';

/** The route needs no token (login, health, documentation). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/**
 * The route also takes the token as `?access_token=`: a browser's EventSource cannot send an
 * Authorization header. Only for streams, since a URL ends up in more logs than a header does.
 */
export const TokenInQuery = () => SetMetadata(TOKEN_IN_QUERY, true);

/** Only these roles may call the route; handlers check the finer scope themselves. Documented where it is enforced, so the two agree. */
export const Roles = (...roles: Role[]) =>
  applyDecorators(SetMetadata(ALLOWED_ROLES, roles), ApiError(403, `this route is for ${roles.join(', ')}`));

/** Only administrators of an organisation may call the route, whatever their role; the handler checks which organisation. */
export const OrganisationAdmin = () =>
  applyDecorators(SetMetadata(ORGANISATION_ADMINISTRATORS, true), ApiError(403, 'this route is for administrators of an organisation'));

/** The authenticated caller, as the domain sees them. */
export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => {
  return context.switchToHttp().getRequest<{ actor: Actor }>().actor;
});

/** The bearer token of the request, as the AuthGuard verified it. */
export const CurrentToken = createParamDecorator((_: unknown, context: ExecutionContext): IssuedToken => {
  return context.switchToHttp().getRequest<{ token: IssuedToken }>().token;
});
