/**
 * bench:query reference: the project's fixed stack with nothing of ours on it. NestJS on Fastify,
 * `@nestjs/graphql` with Apollo (code-first), one resolver that runs the prepared floor's statement and
 * returns its tickets. No auth, no request logger, no security headers or CORS, no validation, no
 * complexity limit, no metrics, no JIT: what any NestJS + Apollo + Fastify server pays for the same
 * GraphQL request before it does anything of its own. Only the search (case b) is served.
 *
 * It answers the question issue 27's item 2(b) leaves: how much of the gap to the prepared floor is
 * the stack the project is built on, and how much is the gateway's own per-request work.
 */
import '../production-mode';
import 'reflect-metadata';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Args, Field, GraphQLModule, ID, InputType, Int, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Pool } from 'pg';
import { CASES } from './cases';
import { serveParent } from './child';
import { countSql, sqlStats } from './sql-counter';

countSql();
const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.BENCH_CONNECTIONS ?? 8) });
const search = CASES.find((c) => c.key === 'search')!;
// As the prepared floor sends it: a named statement, the tsquery in a sub-select (planned once).
const SEARCH_SQL = search.floorSql.replace(/websearch_to_tsquery\('simple', \$2\)/g, "(SELECT websearch_to_tsquery('simple', $2))");

@ObjectType()
class StackCustomer {
  @Field(() => String, { nullable: true }) email!: string | null;
  @Field(() => String, { nullable: true }) name!: string | null;
}

@ObjectType()
class StackTicket {
  @Field(() => ID) id!: string;
  @Field() externalId!: string;
  @Field(() => String, { nullable: true }) subject!: string | null;
  @Field() status!: string;
  @Field() updatedAt!: string;
  @Field(() => StackCustomer) customer!: StackCustomer;
}

@ObjectType()
class StackPageInfo {
  @Field() hasNextPage!: boolean;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

@ObjectType()
class StackTicketPage {
  @Field(() => StackPageInfo) pageInfo!: StackPageInfo;
  @Field(() => [StackTicket]) nodes!: StackTicket[];
}

@InputType()
class StackTicketFilter {
  @Field(() => String, { nullable: true }) search?: string;
}

@Resolver()
class StackTicketsResolver {
  @Query(() => StackTicketPage)
  async tickets(
    @Args('first', { type: () => Int }) first: number,
    @Args('filter', { type: () => StackTicketFilter }) filter: StackTicketFilter,
  ): Promise<StackTicketPage> {
    const { rows } = await pool.query({ name: 'stack_search', text: SEARCH_SQL, values: [search.floorParams[0], filter.search] });
    const nodes: StackTicket[] = JSON.parse(rows[0].body).data.tickets.nodes.slice(0, first);
    return { pageInfo: { hasNextPage: nodes.length === first, endCursor: nodes.at(-1)?.id ?? null }, nodes };
  }
}

@Module({
  imports: [
    GraphQLModule.forRoot<ApolloDriverConfig>({
      driver: ApolloDriver,
      autoSchemaFile: true,
      playground: false,
      plugins: [ApolloServerPluginCacheControlDisabled()],
    }),
  ],
  providers: [StackTicketsResolver],
})
class StackModule {}

async function main() {
  const app = await NestFactory.create<NestFastifyApplication>(StackModule, new FastifyAdapter(), { logger: ['error', 'warn'] });
  await app.listen(0, '127.0.0.1');
  serveParent((await app.getUrl()).replace('[::1]', '127.0.0.1'), () => sqlStats);
}

main().catch((e) => {
  process.stderr.write(`${e?.stack ?? e}\n`);
  process.exit(1);
});
