import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CustomerRow } from './ticket-rows';

/** Reads of `customers`, always scoped by the tenant. */
@Injectable()
export class CustomerRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Customers by (connector, Gorgias customer id), in one query. */
  findByKeys(tenantId: string, keys: readonly { connectorId: string; externalId: string }[]): Promise<CustomerRow[]> {
    return this.dataSource.query(
      `SELECT c.connector_id, c.external_id::text AS external_id, c.email, c.name FROM customers c
       WHERE c.tenant_id = $1 AND (c.connector_id, c.external_id) IN (SELECT * FROM unnest($2::uuid[], $3::bigint[]))`,
      [tenantId, keys.map((k) => k.connectorId), keys.map((k) => k.externalId)],
    );
  }
}
