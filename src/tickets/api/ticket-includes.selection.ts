import { FieldNode, getArgumentValues, getNamedType, GraphQLObjectType, GraphQLResolveInfo } from 'graphql';
import { collectSubfields } from 'graphql/execution/collectFields';
import { ticketColumnsFor } from '../model/ticket.table';
import type { MessagesInclude, TicketIncludes } from '../model/ticket-read.types';
import { messagePageArgs, MessagesArgs } from './message-page.args';

type Fields = Map<string, readonly FieldNode[]>;

function subfields(info: GraphQLResolveInfo, type: GraphQLObjectType, nodes: readonly FieldNode[]): Fields {
  return collectSubfields(info.schema, info.fragments, info.variableValues, type, nodes);
}

/** The field nodes of `name` among `fields`, whatever their aliases. */
function named(fields: Fields, name: string): FieldNode[] {
  const out: FieldNode[] = [];
  for (const nodes of fields.values()) if (nodes[0].name.value === name) out.push(...nodes);
  return out;
}

/** The item type of a connection field (`nodes: [T!]!`). */
function fieldType(parent: GraphQLObjectType, field: string): GraphQLObjectType {
  return getNamedType(parent.getFields()[field].type) as GraphQLObjectType;
}

/** The fields asked on the items of a connection, under `nodes` and under `edges { node }` alike. */
function itemFields(info: GraphQLResolveInfo, connection: GraphQLObjectType, nodes: readonly FieldNode[]): Fields {
  const conn = subfields(info, connection, nodes);
  const edgeType = fieldType(connection, 'edges');
  const itemNodes = [...named(conn, 'nodes'), ...named(subfields(info, edgeType, named(conn, 'edges')), 'node')];
  return itemNodes.length ? subfields(info, fieldType(connection, 'nodes'), itemNodes) : new Map();
}

/**
 * What the `tickets` field's selection asks of each ticket that its page statement can bring along
 * (see TicketIncludes): `customer` under any alias, and each `messages` field whose arguments are
 * valid and the same wherever that alias appears. Anything else (a bad argument, one alias with two
 * argument sets under nodes and edges) is left to the field's own resolver, so errors and answers
 * stay exactly as they are.
 */
export function ticketIncludes(info: GraphQLResolveInfo): TicketIncludes {
  const connection = getNamedType(info.returnType) as GraphQLObjectType;
  const ticketType = fieldType(connection, 'nodes');
  const ticketFields = itemFields(info, connection, info.fieldNodes);
  const includes: TicketIncludes = {
    customerKeys: [],
    messages: [],
    columns: ticketColumnsFor([...ticketFields.values()].map((n) => n[0].name.value)),
  };
  for (const [key, nodes] of ticketFields) {
    const name = nodes[0].name.value;
    if (name === 'customer') includes.customerKeys.push(key);
    if (name !== 'messages') continue;
    const def = ticketType.getFields().messages;
    const argSets = nodes.map((n) => getArgumentValues(def, n, info.variableValues) as MessagesArgs);
    const args = argSets[0];
    if (argSets.some((a) => a.first !== args.first || a.after !== args.after || a.last !== args.last || a.before !== args.before)) continue;
    let page;
    try {
      page = messagePageArgs(args);
    } catch {
      continue; // the field's resolver raises the same error where it always did
    }
    const messageConnection = getNamedType(def.type) as GraphQLObjectType;
    const conn = subfields(info, messageConnection, nodes);
    const include: MessagesInclude = {
      ...page,
      key,
      totalCount: named(conn, 'totalCount').length > 0,
      cursors: named(conn, 'edges').length > 0 || named(conn, 'pageInfo').length > 0,
      fields: new Set([...itemFields(info, messageConnection, nodes).values()].map((n) => n[0].name.value)),
    };
    includes.messages.push(include);
  }
  return includes;
}
