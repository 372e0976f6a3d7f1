import { ValidationError, ValidationPipe } from '@nestjs/common';
import { badUserInput } from './graphql-errors';

/** Flattens nested class-validator errors into `input.field: what is wrong` lines. */
export function describeValidationErrors(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((msg) => `${path}: ${msg}`);
    return [...own, ...describeValidationErrors(e.children ?? [], path)];
  });
}

/**
 * Every GraphQL input is validated by class-validator; failures come back as BAD_USER_INPUT naming
 * the field and the fix. Unknown properties cannot arrive (GraphQL types forbid them).
 */
export const appValidationPipe = new ValidationPipe({
  transform: true,
  forbidUnknownValues: false,
  stopAtFirstError: false,
  exceptionFactory: (errors) => {
    const lines = describeValidationErrors(errors);
    const field = errors.length === 1 && !errors[0].children?.length ? errors[0].property : undefined;
    return badUserInput(lines.join('; '), field);
  },
});
