import type { RowComparison } from '../../tickets/repositories/ticket-compare.repository';

/**
 * A ticket shows its customer (name, email), so a stored customer that differs from the copy Gorgias
 * lists with the ticket makes the ticket stale: its comparison gains `customer.<column>` (`customer`
 * when the customers row is missing). Tickets already missing are left as they are (their repair
 * writes the customer too), and so are the quarantined ones. A customer shared by several tickets of
 * the page makes each of them stale: each shows it.
 */
export function withCustomerDifferences(
  tickets: readonly { id: number; customer?: { id?: unknown } | null }[],
  differing: readonly RowComparison[],
  customers: readonly RowComparison[],
  quarantined: ReadonlySet<string>,
): RowComparison[] {
  if (!customers.length) return [...differing];
  const fieldsOf = new Map(customers.map((c) => [c.externalId, c.missing ? ['customer'] : c.fields.map((f) => `customer.${f}`)]));
  const byTicket = new Map(differing.map((d) => [d.externalId, d]));
  for (const t of tickets) {
    const id = String(t.id);
    const fields = t.customer && typeof t.customer.id === 'number' ? fieldsOf.get(String(t.customer.id)) : undefined;
    if (!fields || quarantined.has(id)) continue;
    const d = byTicket.get(id);
    if (d?.missing) continue;
    byTicket.set(id, { externalId: id, missing: false, fields: [...(d?.fields ?? []), ...fields] });
  }
  return [...byTicket.values()];
}
