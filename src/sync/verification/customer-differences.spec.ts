import { withCustomerDifferences } from './customer-differences';

describe('withCustomerDifferences', () => {
  const tickets = [
    { id: 1, customer: { id: 10 } },
    { id: 2, customer: { id: 10 } },
    { id: 3, customer: { id: 11 } },
    { id: 4, customer: null },
    { id: 5, customer: { id: 12 } },
  ];

  it('makes every ticket carrying a differing customer stale, naming the customer column', () => {
    const out = withCustomerDifferences(tickets, [], [{ externalId: '10', missing: false, fields: ['name'] }], new Set());
    expect(out).toEqual([
      { externalId: '1', missing: false, fields: ['customer.name'] },
      { externalId: '2', missing: false, fields: ['customer.name'] },
    ]);
  });

  it('adds to a ticket already stale, leaves a missing or quarantined ticket alone, names a missing customer', () => {
    const differing = [
      { externalId: '1', missing: false, fields: ['subject'] },
      { externalId: '2', missing: true, fields: [] },
    ];
    const customers = [
      { externalId: '10', missing: false, fields: ['email', 'payload'] },
      { externalId: '11', missing: true, fields: [] },
      { externalId: '12', missing: false, fields: ['name'] },
    ];
    const out = withCustomerDifferences(tickets, differing, customers, new Set(['5']));
    expect(out).toEqual([
      { externalId: '1', missing: false, fields: ['subject', 'customer.email', 'customer.payload'] },
      { externalId: '2', missing: true, fields: [] },
      { externalId: '3', missing: false, fields: ['customer'] },
    ]);
  });

  it('changes nothing when every customer is equal', () => {
    const differing = [{ externalId: '4', missing: false, fields: ['status'] }];
    expect(withCustomerDifferences(tickets, differing, [], new Set())).toEqual(differing);
  });
});
