import { normalizeGorgiasSubdomain } from './gorgias-subdomain';

describe('normalizeGorgiasSubdomain', () => {
  it.each([
    ['company', 'company'],
    ['  Company ', 'company'],
    ['acme-support', 'acme-support'],
    ['company.gorgias.com', 'company'],
    ['company.gorgias.com/app', 'company'],
    ['https://company.gorgias.com', 'company'],
    ['https://company.gorgias.com/app/tickets?x=1', 'company'],
    ['http://Acme-Support.gorgias.com/', 'acme-support'],
  ])('accepts %j as %j', (input, expected) => {
    expect(normalizeGorgiasSubdomain(input)).toBe(expected);
  });

  it.each([
    '',
    '   ',
    'my company',
    '-company',
    'company-',
    'company.example.com',
    'https://company.example.com',
    'a.b.gorgias.com',
    'gorgias.com',
    'https://',
    "company'; DROP TABLE connectors;--",
    'x'.repeat(64),
    'ünïcode',
    42,
    null,
  ])('refuses %j', (input) => {
    expect(normalizeGorgiasSubdomain(input)).toBeUndefined();
  });
});
