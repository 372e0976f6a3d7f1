import { FragmentDefinitionNode, GraphQLError, Kind, SelectionSetNode, ValidationContext, ValidationRule } from 'graphql';

/**
 * Bounds how wide one operation may be: each root field is a separate trip to the database (and
 * aliases let one field be asked for hundreds of times), so an operation may name at most
 * `maxRootFields` root fields and `maxAliases` aliases in all. Complexity prices what each field
 * returns; this stops the fan-out of many cheap-looking fields.
 */
export function operationWidthLimit(maxRootFields: number, maxAliases: number): ValidationRule {
  return (context: ValidationContext) => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const d of context.getDocument().definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);

    const rootFields = (set: SelectionSetNode, seen: Set<string>): number => {
      let n = 0;
      for (const s of set.selections) {
        if (s.kind === Kind.FIELD) n++;
        else if (s.kind === Kind.INLINE_FRAGMENT) n += rootFields(s.selectionSet, seen);
        else if (!seen.has(s.name.value)) {
          const f = fragments.get(s.name.value);
          if (f) n += rootFields(f.selectionSet, new Set(seen).add(s.name.value));
        }
        if (n > maxRootFields) return n;
      }
      return n;
    };

    let aliases = 0;
    return {
      OperationDefinition(node) {
        const n = rootFields(node.selectionSet, new Set());
        if (n > maxRootFields) {
          context.reportError(
            new GraphQLError(
              `The operation asks for more than ${maxRootFields} root fields; at most ${maxRootFields} are allowed. Split it into several requests.`,
              {
                nodes: [node],
                extensions: { code: 'BAD_USER_INPUT' },
              },
            ),
          );
        }
      },
      Field(node) {
        if (!node.alias) return;
        aliases++;
        if (aliases === maxAliases + 1) {
          context.reportError(
            new GraphQLError(
              `The operation uses more than ${maxAliases} aliases; at most ${maxAliases} are allowed. Split it into several requests.`,
              {
                nodes: [node],
                extensions: { code: 'BAD_USER_INPUT' },
              },
            ),
          );
        }
      },
    };
  };
}
