import { getMetadataStorage, ValidationTypes } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';

/**
 * class-validator's verdict on an object, worked out in advance per class. `validate()` looks up a
 * class's rules on every call by walking every validated class of the app (to find its ancestors),
 * and builds an error object per property even when nothing fails: most of the validation pipe's
 * time on a read. A plan asks the same rules the same questions in the same order (the rules'
 * own `validate` functions, read once from class-validator's metadata), but only answers whether the
 * object certainly passes. `true`: class-validator would find no error. Anything else (a rule fails,
 * a rule is async, a nested value the plan does not cover): not known here, and the caller runs
 * class-validator itself, so every error is still class-validator's own.
 *
 * Only for validation without groups, `always`, whitelisting or skipped properties (the app's pipe).
 */
export type ValidationPlan = (object: Record<string, unknown>) => boolean | undefined;

/** A class, as class-validator keys its rules (a constructor of any shape). */
type Target = abstract new (...args: never[]) => unknown;
type Rule = { validate(value: unknown, args: unknown): unknown; meta: ValidationMetadata };
type PropertyPlan = {
  name: string;
  conditions: ValidationMetadata[];
  rules: Rule[];
  nestedSchemas: string[];
};

const UNCOVERED = null;
/** Plans by class, then by the schema name class-validator passes for nested values ('' at the top). */
const plans = new Map<Target, Map<string, ValidationPlan | null>>();

/** The plan for objects of `target` (null when some rule cannot be planned: validate those in full). */
export function validationPlanFor(target: Target, schema = ''): ValidationPlan | null {
  let bySchema = plans.get(target);
  if (!bySchema) plans.set(target, (bySchema = new Map()));
  let plan = bySchema.get(schema);
  if (plan === undefined) bySchema.set(schema, (plan = compile(target, schema)));
  return plan;
}

function compile(target: Target, schema: string): ValidationPlan | null {
  const storage = getMetadataStorage();
  // The same call, with the same arguments, that class-validator makes for every object it validates.
  const metadatas = storage.getTargetValidationMetadatas(target, schema || (undefined as unknown as string), false, false, undefined);
  const properties: PropertyPlan[] = [];
  for (const [name, list] of Object.entries(storage.groupByPropertyName(metadatas))) {
    const property: PropertyPlan = { name, conditions: [], rules: [], nestedSchemas: [] };
    for (const meta of list) {
      if (meta.each) return UNCOVERED; // rules applied to each element of an array: left to class-validator
      if (meta.type === ValidationTypes.WHITELIST) continue;
      if (meta.type === ValidationTypes.CONDITIONAL_VALIDATION) property.conditions.push(meta);
      else if (meta.type === ValidationTypes.NESTED_VALIDATION) {
        property.nestedSchemas.push(typeof meta.target === 'string' ? meta.target : meta.target.name);
      } else if (meta.type === ValidationTypes.CUSTOM_VALIDATION || meta.type === ValidationTypes.IS_DEFINED) {
        for (const constraint of storage.getTargetValidatorConstraints(meta.constraintCls)) {
          if (constraint.async) return UNCOVERED;
          property.rules.push({ validate: (v, a) => constraint.instance.validate(v, a as never), meta });
        }
      } else return UNCOVERED; // promise validation or a type this plan does not know
    }
    properties.push(property);
  }
  return (object) => {
    for (const p of properties) {
      const value = object[p.name];
      // IsOptional / ValidateIf: class-validator evaluates every condition, then skips the property unless all hold.
      if (!p.conditions.map((c) => (c.constraints[0] as (o: unknown, v: unknown) => boolean)(object, value)).every(Boolean)) continue;
      for (const { validate, meta } of p.rules) {
        const args = { targetName: object.constructor?.name, property: meta.propertyName, object, value, constraints: meta.constraints };
        const valid = validate(value, args);
        if (valid instanceof Promise || (typeof valid === 'object' && valid !== null && 'then' in valid)) return undefined;
        if (!valid) return false;
      }
      if (value === undefined) continue;
      for (const nestedSchema of p.nestedSchemas) {
        // Arrays, sets and maps are validated element by element by class-validator: not planned.
        if (Array.isArray(value) || value instanceof Set || value instanceof Map || !(value instanceof Object)) return undefined;
        if (typeof value.constructor !== 'function') return undefined;
        const nested = validationPlanFor(value.constructor as Target, nestedSchema);
        const verdict = nested ? nested(value as Record<string, unknown>) : undefined;
        if (verdict !== true) return verdict;
      }
    }
    return true;
  };
}
