import { gorgiasRoute, statusClass } from './gorgias-route';

describe('gorgiasRoute', () => {
  it('keeps the API path and templates ids, dropping the host that names the account', () => {
    expect(gorgiasRoute('https://acme.gorgias.com/api/tickets/42?limit=100')).toBe('/api/tickets/:id');
    expect(gorgiasRoute('http://127.0.0.1:4010/acme/api/tickets')).toBe('/api/tickets');
    expect(gorgiasRoute('http://127.0.0.1:4010/acme/api/integrations/7f3a-9/events')).toBe('/api/integrations/:id/events');
    expect(gorgiasRoute('https://acme.gorgias.com/api/account')).toBe('/api/account');
  });

  it('never passes anything else through', () => {
    expect(gorgiasRoute('https://acme.gorgias.com/login')).toBe('other');
    expect(gorgiasRoute(undefined)).toBe('unknown');
    expect(gorgiasRoute('http://[bad')).toBe('unknown');
  });

  it('classes statuses', () => {
    expect(statusClass(200)).toBe('2xx');
    expect(statusClass(429)).toBe('4xx');
    expect(statusClass(undefined)).toBe('error');
  });
});
