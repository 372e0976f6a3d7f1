import { Type } from '@nestjs/common';
import { Field, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('PageInfo')
export class PageInfo {
  @Field() hasNextPage: boolean;
  @Field(() => String, { nullable: true }) endCursor: string | null;
  @Field({ description: 'With last/before: whether earlier items exist. With first/after: always false (Relay allows it).' })
  hasPreviousPage: boolean;
  @Field(() => String, { nullable: true }) startCursor: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Connection<T> {
  edges: Edge<T>[];
  nodes: T[];
  pageInfo: PageInfo;
  totalCount: number;
}

/**
 * A Relay connection type for `classRef`: `XConnection { edges { cursor node } nodes pageInfo totalCount }`.
 * Named after the node type (SyncRun -> SyncRunConnection).
 */
export function Paginated<T>(classRef: Type<T>, name?: string, opts: { totalCountComplexity?: number } = {}): Type<Connection<T>> {
  const nodeName = name ?? classRef.name;

  @ObjectType(`${nodeName}Edge`)
  class EdgeType {
    @Field() cursor: string;
    @Field(() => classRef) node: T;
  }

  @ObjectType(`${nodeName}Connection`, { isAbstract: true })
  abstract class ConnectionType implements Connection<T> {
    @Field(() => [EdgeType]) edges: Edge<T>[];
    @Field(() => [classRef]) nodes: T[];
    @Field(() => PageInfo) pageInfo: PageInfo;
    // Priced by what counting costs (see the list's complexity estimator, which adds it once per list).
    @Field(() => Int, { complexity: opts.totalCountComplexity ?? 1 }) totalCount: number;
  }
  return ConnectionType as unknown as Type<Connection<T>>;
}

/**
 * The connection of one page already in list order. Edges and cursors are made only when asked
 * for (a cursor is JSON + base64 per row): a page of 50 tickets with 5 messages each would otherwise
 * build 300 edges for a query that reads `nodes`.
 */
class PageConnection<T> implements Connection<T> {
  private edgeList?: Edge<T>[];
  private info?: PageInfo;

  constructor(
    readonly nodes: T[],
    public totalCount: number,
    private readonly cursorOf: (row: T) => string,
    private readonly more: { hasNextPage: boolean; hasPreviousPage: boolean },
  ) {}

  get edges(): Edge<T>[] {
    return (this.edgeList ??= this.nodes.map((node) => ({ node, cursor: this.cursorOf(node) })));
  }

  get pageInfo(): PageInfo {
    const n = this.nodes.length;
    return (this.info ??= {
      ...this.more,
      startCursor: n ? this.cursorOf(this.nodes[0]) : null,
      endCursor: n ? this.cursorOf(this.nodes[n - 1]) : null,
    });
  }
}

function connectionOf<T>(
  page: T[],
  totalCount: number,
  cursorOf: (row: T) => string,
  more: { hasNextPage: boolean; hasPreviousPage: boolean },
): Connection<T> {
  return new PageConnection(page, totalCount, cursorOf, more);
}

/**
 * Builds a connection from `rows` fetched with LIMIT first + 1: the extra row only says that
 * there is a next page.
 */
export function toConnection<T>(rows: T[], first: number, totalCount: number, cursorOf: (row: T) => string): Connection<T> {
  return connectionOf(rows.slice(0, first), totalCount, cursorOf, { hasNextPage: rows.length > first, hasPreviousPage: false });
}

/**
 * The backward counterpart (`last`/`before`): `rows` were fetched newest first with LIMIT last + 1;
 * the page is returned in list order, and the extra row says that earlier items exist.
 */
export function toBackwardConnection<T>(
  rowsNewestFirst: T[],
  last: number,
  totalCount: number,
  cursorOf: (row: T) => string,
  hasNextPage: boolean,
): Connection<T> {
  return connectionOf(rowsNewestFirst.slice(0, last).reverse(), totalCount, cursorOf, {
    hasNextPage,
    hasPreviousPage: rowsNewestFirst.length > last,
  });
}
