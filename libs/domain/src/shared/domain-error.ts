/**
 * Why the domain refused a command. The kind tells a caller how to answer
 * (invalid → 400, forbidden → 403, not_found → 404, conflict → 409); the message says what was wrong.
 */
export type DomainErrorKind = 'invalid' | 'forbidden' | 'not_found' | 'conflict';

export class DomainError extends Error {
  constructor(readonly kind: DomainErrorKind, message: string) {
    super(message);
    this.name = 'DomainError';
  }
}

export function refuse(kind: DomainErrorKind, message: string): never {
  throw new DomainError(kind, message);
}
