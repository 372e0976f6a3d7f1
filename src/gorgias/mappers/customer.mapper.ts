import type { CustomerWriteRow } from '../../tickets/model/customer.table';
import { GorgiasCustomerRef, GorgiasTicket } from '../gorgias.types';
import { latestById } from './latest-by-id';
import { MAX_SHORT_TEXT_CHARS, storableOrNull, storablePayload } from './storable-text';

/** The display name Gorgias gives a customer: `name`, else first and last name. */
export function customerName(c: GorgiasCustomerRef | null | undefined): string | null {
  if (!c) return null;
  if (c.name) return c.name;
  const full = [c.firstname, c.lastname].filter(Boolean).join(' ');
  return full || null;
}

/**
 * The customers a page of tickets refers to, one row each (those without a numeric id are skipped),
 * strings made storable. `version` is the ticket's updated_datetime: the newest copy of a customer wins.
 */
export function toCustomerRows(tickets: GorgiasTicket[]): CustomerWriteRow[] {
  const refs = tickets
    .filter((t) => !!t.customer && typeof t.customer.id === 'number')
    .map((t) => ({ id: t.customer!.id, customer: t.customer!, version: t.updated_datetime ?? t.created_datetime }));
  return latestById(refs, (r) => r.version).map(({ customer: c, version }) => ({
    external_id: c.id,
    email: storableOrNull(c.email, MAX_SHORT_TEXT_CHARS),
    name: storableOrNull(customerName(c), MAX_SHORT_TEXT_CHARS),
    payload: storablePayload(c),
    source_version: version,
  }));
}
