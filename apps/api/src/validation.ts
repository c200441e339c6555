import type { ValidationPipeOptions } from '@nestjs/common';

/** How every request body and query is validated (batch filing validates each of its complaints the same way). */
export const VALIDATION_OPTIONS: ValidationPipeOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  stopAtFirstError: false,
};
