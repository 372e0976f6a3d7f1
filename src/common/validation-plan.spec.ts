import 'reflect-metadata';
import { ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsDate,
  IsEmail,
  IsEnum,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  registerDecorator,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { appValidationPipe } from './validation.pipe';
import { validationPlanFor } from './validation-plan';

// The rules the app's arguments use (tickets filter, connector credentials, sync args), on local classes.
enum Mode {
  FULL = 'full',
  INCREMENTAL = 'incremental',
}

class Filter {
  @IsOptional() @IsUUID('all', { message: 'must be the id of a connector (a UUID)' }) connectorId?: string | null;
  @IsOptional() @IsString() @MaxLength(5, { message: 'must be at most 5 characters' }) status?: string | null;
  @IsOptional() @Type(() => Date) @IsDate({ message: 'must be an ISO 8601 date-time' }) updatedAfter?: Date | null;
  @IsOptional() @IsBoolean() includeDeleted?: boolean | null;
  @IsOptional() @Matches(/^[0-9]{1,18}$/, { message: 'must be a Gorgias id' }) teamExternalId?: string | null;
  @IsOptional() @IsInt({ message: 'must be a whole score' }) @Min(1) @Max(5) minScore?: number | null;
}

class ListArgs {
  @IsOptional() @ValidateNested() @Type(() => Filter) filter?: Filter | null;
  first?: number | null;
  @IsOptional() @IsString() @MaxLength(10, { message: 'is not a valid cursor' }) after?: string | null;
}

class Credentials {
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsEmail({}, { message: 'must be an email address' })
  email: string;
  @IsString() @IsNotEmpty({ message: 'must not be empty' }) @Matches(/^\S+$/, { message: 'must not contain spaces' }) apiKey: string;
}

class CreateInput extends Credentials {
  @IsOptional() @IsString() name?: string;
  @IsEnum(Mode) mode: Mode = Mode.INCREMENTAL;
  @ValidateIf((o: CreateInput) => o.mode === Mode.FULL) @IsString({ message: 'is needed for a full sync' }) reason?: string;
}

function IsEventuallyTrue() {
  return (object: object, propertyName: string) =>
    registerDecorator({ target: object.constructor, propertyName, async: true, validator: { validate: async (v: unknown) => v === true } });
}
class WithAsyncRule {
  @IsEventuallyTrue() ok: unknown;
}
class WithEachRule {
  @IsString({ each: true }) tags: unknown;
}

/** A deep copy made in this realm (structuredClone's objects come from Node's, whose Object.prototype is another one). */
const copy = (v: unknown): unknown =>
  v instanceof Date
    ? new Date(v.getTime())
    : Array.isArray(v)
      ? v.map(copy)
      : v && typeof v === 'object'
        ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copy(x)]))
        : v;

const body = (metatype: ArgumentMetadata['metatype']): ArgumentMetadata => ({ type: 'body', metatype, data: undefined });

/** What a pipe answers: the instance it returns (with its classes), or the message it throws. */
async function outcome(run: () => Promise<unknown>): Promise<unknown> {
  try {
    return { returned: await run() };
  } catch (e) {
    return { refused: (e as Error).message };
  }
}

const CASES: [ArgumentMetadata['metatype'], unknown][] = [
  [ListArgs, { first: 20 }],
  [ListArgs, { first: 20, filter: { status: 'open', includeDeleted: false } }],
  [ListArgs, { filter: { updatedAfter: new Date('2026-01-31T00:00:00Z'), teamExternalId: '12', minScore: 3 } }],
  [ListArgs, { filter: null, after: null }],
  [ListArgs, { filter: { connectorId: '8c1f0a57-0b8e-4a53-9a39-5b3d1f5a1c11' } }],
  [ListArgs, { filter: { status: 'much too long' } }],
  [ListArgs, { filter: { connectorId: 'nope', status: 7, minScore: 0 } }],
  [ListArgs, { filter: { updatedAfter: new Date('not a date') } }],
  [ListArgs, { filter: { teamExternalId: '12a' }, after: 'x'.repeat(11) }],
  [ListArgs, { filter: 'not an object' }],
  [ListArgs, { filter: [{ status: 'open' }] }],
  [ListArgs, { filter: { minScore: 2.5 } }],
  [ListArgs, { filter: { includeDeleted: 'yes' } }],
  [Credentials, { email: '  a@b.co ', apiKey: 'key' }],
  [Credentials, { email: 'nope', apiKey: 'has space' }],
  [Credentials, { email: 'a@b.co', apiKey: '' }],
  [Credentials, {}],
  [CreateInput, { email: 'a@b.co', apiKey: 'k' }],
  [CreateInput, { email: 'a@b.co', apiKey: 'k', mode: 'full' }],
  [CreateInput, { email: 'a@b.co', apiKey: 'k', mode: 'full', reason: 'backfill' }],
  [CreateInput, { email: 'a@b.co', apiKey: 'k', mode: 'sometimes', name: 3 }],
  [WithAsyncRule, { ok: true }],
  [WithAsyncRule, { ok: false }],
  [WithEachRule, { tags: ['a', 'b'] }],
  [WithEachRule, { tags: ['a', 2] }],
];

describe('validation plans', () => {
  it.each(CASES.map((c, i) => [i, ...c] as const))(
    'case %i (%p): the app pipe answers exactly as the full ValidationPipe',
    async (_i, metatype, value) => {
      const fast = await outcome(() => appValidationPipe.transform(copy(value), body(metatype)));
      const full = await outcome(() => ValidationPipe.prototype.transform.call(appValidationPipe, copy(value), body(metatype)));
      expect(fast).toStrictEqual(full);
    },
  );

  it('takes the plan for the valid cases above', async () => {
    const validate = jest.spyOn(appValidationPipe as unknown as { validate: () => unknown }, 'validate');
    try {
      for (const [metatype, value] of CASES.slice(0, 5)) await appValidationPipe.transform(copy(value), body(metatype));
      // graphql-js and graphql-jit hand arguments over as objects without a prototype.
      const filter = Object.assign(Object.create(null) as object, { status: 'open' });
      const args = await appValidationPipe.transform(Object.assign(Object.create(null) as object, { first: 5, filter }), body(ListArgs));
      expect(args).toStrictEqual(Object.assign(new ListArgs(), { first: 5, filter: Object.assign(new Filter(), { status: 'open' }) }));
      expect(validate).not.toHaveBeenCalled();
    } finally {
      validate.mockRestore();
    }
  });

  it('answers valid arguments without running class-validator', async () => {
    const validate = jest.spyOn(appValidationPipe as unknown as { validate: () => unknown }, 'validate');
    try {
      const args = await appValidationPipe.transform({ first: 20, filter: { status: 'open', updatedAfter: new Date(0) } }, body(ListArgs));
      expect(args).toBeInstanceOf(ListArgs);
      expect((args as ListArgs).filter).toBeInstanceOf(Filter);
      expect(validate).not.toHaveBeenCalled();
      // Invalid arguments still go through class-validator, which writes the message.
      await expect(appValidationPipe.transform({ filter: { status: 'much too long' } }, body(ListArgs))).rejects.toThrow(
        'filter.status: must be at most 5 characters',
      );
      expect(validate).toHaveBeenCalledTimes(1);
    } finally {
      validate.mockRestore();
    }
  });

  it('leaves async rules and rules on each element to class-validator', () => {
    expect(validationPlanFor(WithAsyncRule)).toBeNull();
    expect(validationPlanFor(WithEachRule)).toBeNull();
    expect(validationPlanFor(ListArgs)).toEqual(expect.any(Function));
  });
});
