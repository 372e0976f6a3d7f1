import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { appConfig, AppConfig } from '../config/app.config';
import { migrations } from '../../migrations';
import { DatabaseMigrationService } from './database-migration.service';

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
        extra: { max: 20, application_name: 'cxconnect-sync-engine' },
        logging: false,
      }),
    }),
  ],
  providers: [DatabaseMigrationService],
})
export class DatabaseModule {}
