import { Injectable } from '@nestjs/common';
import { PreparedReads } from '../../database/prepared-reads';
import { CUSTOMER_READ_COLUMNS, CustomerRow } from '../model/customer.table';
import { selectList } from './column-sql';

/** The columns of CustomerRow (alias `c`), from the column table. */
const CUSTOMER_COLUMNS = selectList('c', CUSTOMER_READ_COLUMNS);

/** Reads of `customers`, always scoped by the tenant. */
@Injectable()
export class CustomerRepository {
  constructor(private readonly reads: PreparedReads) {}

  /** Customers by (connector, Gorgias customer id), in one query. */
  findByKeys(tenantId: string, keys: readonly { connectorId: string; externalId: string }[]): Promise<CustomerRow[]> {
    return this.reads.rows(
      `SELECT ${CUSTOMER_COLUMNS} FROM customers c
       WHERE c.tenant_id = $1 AND (c.connector_id, c.external_id) IN (SELECT * FROM unnest($2::uuid[], $3::bigint[]))`,
      [tenantId, keys.map((k) => k.connectorId), keys.map((k) => k.externalId)],
    );
  }
}
