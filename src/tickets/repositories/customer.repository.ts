import { Injectable } from '@nestjs/common';
import { PreparedReads } from '../../database/prepared-reads';
import { CustomerRow } from './ticket-rows';

/** Reads of `customers`, always scoped by the tenant. */
@Injectable()
export class CustomerRepository {
  constructor(private readonly reads: PreparedReads) {}

  /** Customers by (connector, Gorgias customer id), in one query. */
  findByKeys(tenantId: string, keys: readonly { connectorId: string; externalId: string }[]): Promise<CustomerRow[]> {
    return this.reads.rows(
      `SELECT c.connector_id, c.external_id::text AS external_id, c.email, c.name FROM customers c
       WHERE c.tenant_id = $1 AND (c.connector_id, c.external_id) IN (SELECT * FROM unnest($2::uuid[], $3::bigint[]))`,
      [tenantId, keys.map((k) => k.connectorId), keys.map((k) => k.externalId)],
    );
  }
}
