import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { ScheduleModule } from '@nestjs/schedule';
import { LoggerModule } from 'nestjs-pino';
import { AuthModule } from './auth/auth.module';
import { graphqlOptions } from './graphql/graphql.options';
import { GraphqlWsServer } from './graphql/graphql-ws.server';
import { GraphqlExceptionFilter } from './common/graphql/graphql-exception.filter';
import { loggerOptions } from './observability/logging/logger.options';
import { appValidationPipe } from './common/validation.pipe';
import { appConfig, AppConfig } from './config/app.config';
import { DatabaseModule } from './database/database.module';
import { ConsoleModule } from './console/console.module';
import { ConnectorsModule } from './connectors/connectors.module';
import { GorgiasModule } from './gorgias/gorgias.module';
import { HealthModule } from './health/health.module';
import { HttpSecurityModule } from './http-security/http-security.module';
import { ObservabilityModule } from './observability/observability.module';
import { SyncObservabilityModule } from './observability/sync/sync-observability.module';
import { SecretsModule } from './secrets/secrets.module';
import { SyncModule } from './sync/sync.module';
import { VerificationModule } from './sync/verification/verification.module';
import { TicketChangesModule } from './tickets/changes/ticket-changes.module';
import { TicketsModule } from './tickets/tickets.module';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [appConfig] }),
    LoggerModule.forRootAsync({ inject: [appConfig.KEY], useFactory: (c: AppConfig) => loggerOptions(c) }),
    DatabaseModule,
    ObservabilityModule,
    AuthModule,
    ScheduleModule.forRoot(),
    GraphQLModule.forRootAsync<ApolloDriverConfig>({
      driver: ApolloDriver,
      inject: [appConfig.KEY],
      useFactory: graphqlOptions,
    }),
    HealthModule,
    SecretsModule,
    GorgiasModule,
    ConnectorsModule,
    TicketsModule,
    TicketChangesModule,
    SyncModule,
    VerificationModule,
    SyncObservabilityModule,
    HttpSecurityModule,
    ConsoleModule,
  ],
  providers: [
    { provide: APP_PIPE, useValue: appValidationPipe },
    { provide: APP_FILTER, useClass: GraphqlExceptionFilter },
    GraphqlWsServer,
  ],
})
export class AppModule {}
