import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/**
 * NOTIFY on the channels every instance LISTENs to. Given a transaction, the notification goes out
 * at its COMMIT (PostgreSQL drops it on rollback), so a listener never hears of a row it cannot see yet.
 */
@Injectable()
export class SyncNotifyRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async notify(channel: string, payload: string, m?: EntityManager): Promise<void> {
    await (m ?? this.dataSource.manager).query('SELECT pg_notify($1, $2)', [channel, payload]);
  }
}
