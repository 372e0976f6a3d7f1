import type { CustomerWriteRow } from '../../tickets/repositories/ticket-write.rows';
import { GorgiasCustomerRef, GorgiasTicket } from '../gorgias.types';
import { latestById } from './latest-by-id';

/** The display name Gorgias gives a customer: `name`, else first and last name. */
export function customerName(c: GorgiasCustomerRef | null | undefined): string | null {
  if (!c) return null;
  if (c.name) return c.name;
  const full = [c.firstname, c.lastname].filter(Boolean).join(' ');
  return full || null;
}

/** The customers a page of tickets refers to, one row each (those without a numeric id are skipped). */
export function toCustomerRows(tickets: GorgiasTicket[]): CustomerWriteRow[] {
  const refs = tickets.map((t) => t.customer).filter((c): c is GorgiasCustomerRef => !!c && typeof c.id === 'number');
  return latestById(refs, () => '').map((c) => ({ external_id: c.id, email: c.email ?? null, name: customerName(c), payload: c }));
}
