import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiProperty, ApiResponse } from '@nestjs/swagger';

/** The API's one error format, whoever refuses: validation, the guards, the domain, the body parser. */
export class ApiErrorResponse {
  @ApiProperty({ example: 409 }) statusCode!: number;
  @ApiProperty({ example: 'Conflict', description: 'the status’s name' }) error!: string;

  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    example: 'case 0b6c7e0e-1f4e-4a57-9a53-7f0c2b1d8a10 cannot be signed for while in progress',
    description: 'what went wrong; a validation error lists every problem',
  })
  message!: string | string[];
}

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429;

const WHAT_IT_MEANS: Record<ErrorStatus, string> = {
  400: 'invalid input: every problem is listed in `message`',
  401: 'no bearer token, or one that is invalid, expired or revoked',
  403: 'not for your role or organisation',
  404: 'not found, or outside your scope',
  409: 'the case is not in a state for this, or another command changed it meanwhile',
  413: 'the body is larger than HTTP_BODY_LIMIT_BYTES',
  415: 'not a JPEG, PNG or WebP image by its content, or not the type declared',
  422: 'this Idempotency-Key was used for another request',
  429: 'rate limit exceeded: retry after the seconds in `Retry-After`',
};

/** Documents one error answer of a route (or of every route of a controller), with what it means there. */
export function ApiError(status: ErrorStatus, description = WHAT_IT_MEANS[status]) {
  return ApiResponse({ status, description, type: ApiErrorResponse });
}

/** Documents error answers of a route (or of every route of a controller) in their general sense. */
export function ApiErrors(...statuses: ErrorStatus[]) {
  return applyDecorators(...statuses.map((status) => ApiError(status)));
}

/** The route needs a bearer token. */
export function ApiSignedIn() {
  return applyDecorators(ApiBearerAuth(), ApiErrors(401));
}

/**
 * What the global guards, the body parser and the idempotency keys may answer to any
 * authenticated POST, PATCH or DELETE, besides the route's own refusals.
 */
export function ApiAuthenticatedWrite() {
  return applyDecorators(
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description: '1–128 printable ASCII characters: a retry with the same key and request gets the first answer again, appending nothing',
    }),
    ApiError(400, 'Idempotency-Key is not 1 to 128 printable ASCII characters'),
    ApiError(409, 'a request with this Idempotency-Key is still running'),
    ApiErrors(413, 422, 429),
  );
}
