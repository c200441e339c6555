import {
  Catch,
  HttpException,
  HttpStatus,
  Injectable,
  Logger,
  type ArgumentsHost,
  type CallHandler,
  type ExceptionFilter,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { map, type Observable } from 'rxjs';
import { DomainError } from '@yixin/domain';
import { HTTP_STATUS_OF_DOMAIN_ERROR } from '../domain-error.filter';
import { formatOfPath, OPEN311_PATH, renderDocument, type Open311Document } from './open311-format';

/** A refusal in GeoReport v2's terms: one HTTP status, one or more descriptions; a rate limit also says when to retry. */
export class Open311Error extends Error {
  constructor(readonly status: HttpStatus, readonly descriptions: readonly string[], readonly retryAfterSeconds?: number) {
    super(descriptions.join('; '));
    this.name = 'Open311Error';
  }
}

interface Open311Request {
  path: string;
}

interface Open311Response {
  status(code: number): Open311Response;
  setHeader(name: string, value: string): void;
  type(contentType: string): Open311Response;
  send(body: string): void;
}

/** Writes what an Open311 route returns in the format its path asks for; a path with another extension names nothing. */
@Injectable()
export class Open311FormatInterceptor implements NestInterceptor<Open311Document, string> {
  intercept(context: ExecutionContext, next: CallHandler<Open311Document>): Observable<string> {
    const http = context.switchToHttp();
    const path = http.getRequest<Open311Request>().path;
    const format = formatOfPath(path);
    if (!format) throw new Open311Error(HttpStatus.NOT_FOUND, [`nothing at ${path}: Open311 resources end in .json or .xml`]);
    return next.handle().pipe(
      map((document) => {
        const { contentType, text } = renderDocument(format, document);
        http.getResponse<Open311Response>().type(contentType);
        return text;
      }),
    );
  }
}

/** Answers every failure of an Open311 route as the spec's list of errors, in the path's format (JSON when it has none). */
@Catch()
export class Open311ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Open311');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const { status, descriptions } = this.describe(error);
    if (error instanceof Open311Error && error.retryAfterSeconds !== undefined) {
      http.getResponse<Open311Response>().setHeader('Retry-After', String(error.retryAfterSeconds));
    }
    const errors: Open311Document = { root: 'errors', body: descriptions.map((description) => ({ code: status, description })) };
    const { contentType, text } = renderDocument(formatOfPath(http.getRequest<Open311Request>().path) ?? 'json', errors);
    http.getResponse<Open311Response>().status(status).type(contentType).send(text);
  }

  private describe(error: unknown): { status: HttpStatus; descriptions: readonly string[] } {
    if (error instanceof Open311Error) return error;
    if (error instanceof DomainError) return { status: HTTP_STATUS_OF_DOMAIN_ERROR[error.kind], descriptions: [error.message] };
    if (error instanceof HttpException) return { status: error.getStatus(), descriptions: descriptionsOf(error) };
    this.logger.error(error instanceof Error ? error.stack : String(error));
    return { status: HttpStatus.INTERNAL_SERVER_ERROR, descriptions: ['internal error'] };
  }
}

/**
 * What an HttpException says went wrong: the `message` of its body, a list (as validation and the
 * prototype-key check write it) or one text. Its own message is only a class name when the body is
 * an object ("Http Exception").
 */
function descriptionsOf(error: HttpException): string[] {
  const body = error.getResponse();
  const message = typeof body === 'string' ? body : (body as { message?: unknown }).message;
  const messages = [message].flat().filter((text): text is string => typeof text === 'string' && text !== '');
  return messages.length > 0 ? messages : [error.message];
}

/**
 * A body the parser cannot read (malformed, too large) is refused before any route is chosen, where only
 * global filters answer. On Open311 paths this one answers in the spec's format; elsewhere exactly as Nest would.
 */
@Catch(HttpException)
export class Open311UnreadableBodyFilter extends BaseExceptionFilter {
  private readonly open311 = new Open311ErrorFilter();

  override catch(error: HttpException, host: ArgumentsHost): void {
    if (host.switchToHttp().getRequest<Open311Request>().path.startsWith(`/${OPEN311_PATH}/`)) this.open311.catch(error, host);
    else super.catch(error, host);
  }
}
