import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { appConfig, AppConfig } from '../config/app.config';
import { migrations } from '../../migrations';
import { DatabaseMigrationService } from './database-migration.service';
import { PreparedReads } from './prepared-reads';

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [appConfig.KEY],
      useFactory: (config: AppConfig) => ({
        type: 'postgres' as const,
        url: config.databaseUrl,
        autoLoadEntities: true,
        synchronize: false,
        migrations,
        migrationsRun: false, // run under an advisory lock by DatabaseMigrationService
        migrationsTransactionMode: 'each' as const,
        extra: {
          max: 20,
          application_name: 'cxconnect-sync-engine',
          // Set on every pooled connection: a runaway query or a forgotten transaction cannot hold the pool.
          statement_timeout: config.database.statementTimeoutMs,
          idle_in_transaction_session_timeout: config.database.idleInTransactionTimeoutMs,
        },
        logging: false,
      }),
    }),
  ],
  providers: [DatabaseMigrationService, PreparedReads],
  exports: [PreparedReads],
})
export class DatabaseModule {}
