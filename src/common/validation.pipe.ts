import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { badUserInput } from './graphql-errors';
import { validationPlanFor } from './validation-plan';

/** Flattens nested class-validator errors into `input.field: what is wrong` lines. */
export function describeValidationErrors(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((msg) => `${path}: ${msg}`);
    return [...own, ...describeValidationErrors(e.children ?? [], path)];
  });
}

/** The path of the first string holding a NUL character, which PostgreSQL cannot store or compare. */
export function findNulCharacter(value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (depth > 8 || value === null || typeof value !== 'object' || value instanceof Date) return undefined;
  for (const [key, child] of Object.entries(value)) {
    const found = findNulCharacter(child, Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/**
 * Every GraphQL input is validated by class-validator; failures come back as BAD_USER_INPUT naming
 * the field and the fix. Unknown properties cannot arrive (GraphQL types forbid them). Any string
 * argument with a NUL character is refused first, naming the field.
 */
class AppValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // Nest GraphQL hands `@Args()` to pipes as 'body' (the caller's user and context are 'custom' or others).
    if (metadata.type === 'body') {
      const field = findNulCharacter(value, metadata.data ?? '');
      if (field !== undefined) {
        throw badUserInput(
          `${field || 'argument'}: must not contain the NUL character (\\u0000); remove it and try again.`,
          field || undefined,
        );
      }
    }
    return this.passesPlan(value, metadata) ?? (await super.transform(value, metadata));
  }

  /**
   * The instance the full pipe would return, when the value's class has a validation plan and the
   * plan says class-validator would find nothing wrong (see validation-plan.ts); otherwise undefined,
   * and the full pipe runs (again from the value), so every refusal and its message are its own.
   * The same steps as the full pipe in the same order, for a plain object only: close array gaps,
   * strip prototype keys, build the instance, refuse binary values, validate.
   */
  private passesPlan(value: unknown, metadata: ArgumentMetadata): object | undefined {
    const metatype = metadata.metatype;
    if (!metatype || !this.isTransformEnabled || !this.toValidate(metadata)) return undefined;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return undefined;
    const plan = validationPlanFor(metatype);
    if (!plan) return undefined;
    this.closeArrayGaps(value);
    this.stripProtoKeys(value);
    const entity = plainToInstance(metatype, value, this.transformOptions) as object;
    if (entity.constructor !== metatype) return undefined;
    if (this.findNestedBinaryValues(entity).length > 0) return undefined;
    return plan(entity as Record<string, unknown>) === true ? entity : undefined;
  }
}

const validatorOptions = { forbidUnknownValues: false, stopAtFirstError: false } as const;

export const appValidationPipe = new AppValidationPipe({
  transform: true,
  // Validation plans assume exactly these options (no groups, always, whitelist or skipped properties).
  ...validatorOptions,
  exceptionFactory: (errors) => {
    const lines = describeValidationErrors(errors);
    const field = errors.length === 1 && !errors[0].children?.length ? errors[0].property : undefined;
    return badUserInput(lines.join('; '), field);
  },
});
