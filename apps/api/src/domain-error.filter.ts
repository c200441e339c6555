import { Catch, HttpStatus, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { ConcurrentCaseUpdateError } from '@yixin/case-stream';
import { DomainError, type DomainErrorKind } from '@yixin/domain';

export const HTTP_STATUS_OF_DOMAIN_ERROR: Record<DomainErrorKind, HttpStatus> = {
  invalid: HttpStatus.BAD_REQUEST,
  forbidden: HttpStatus.FORBIDDEN,
  not_found: HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
};

interface JsonResponse {
  status(code: number): { json(body: unknown): void };
}

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string | string[];
}

/** A refusal of the domain, or a lost race on a case, in the API's one error format. */
export function refusalBody(error: DomainError | ConcurrentCaseUpdateError): ErrorBody {
  const statusCode = error instanceof DomainError ? HTTP_STATUS_OF_DOMAIN_ERROR[error.kind] : HttpStatus.CONFLICT;
  return { statusCode, error: HttpStatus[statusCode].replace(/_/g, ' ').toLowerCase(), message: error.message };
}

@Catch(DomainError, ConcurrentCaseUpdateError)
export class DomainErrorFilter implements ExceptionFilter {
  catch(error: DomainError | ConcurrentCaseUpdateError, host: ArgumentsHost): void {
    const body = refusalBody(error);
    host.switchToHttp().getResponse<JsonResponse>().status(body.statusCode).json(body);
  }
}
