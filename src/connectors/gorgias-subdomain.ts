/** A DNS label: what Gorgias accepts as an account subdomain. */
export const SUBDOMAIN_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export const SUBDOMAIN_HELP =
  'Enter only the first part of your Gorgias URL: for https://company.gorgias.com the subdomain is "company" (letters, digits and hyphens).';

/**
 * What users paste into the Subdomain field: `company`, `company.gorgias.com`, or a whole URL such
 * as `https://company.gorgias.com/app/tickets`. Returns `company`, or undefined if it is none of these.
 */
export function normalizeGorgiasSubdomain(input: unknown): string | undefined {
  if (typeof input !== 'string') return undefined;
  let value = input.trim().toLowerCase();
  if (!value || value.length > 300) return undefined;
  if (/^[a-z][a-z0-9+.-]*:\/\//.test(value)) {
    try {
      value = new URL(value).hostname;
    } catch {
      return undefined;
    }
  } else {
    value = value.replace(/[/?#].*$/, ''); // company.gorgias.com/app
  }
  value = value.replace(/\.$/, '');
  if (value.endsWith('.gorgias.com')) value = value.slice(0, -'.gorgias.com'.length);
  return SUBDOMAIN_PATTERN.test(value) ? value : undefined;
}
