import type { AxiosResponse } from 'axios';
import { GorgiasApiError, GorgiasResource } from './gorgias-api.error';
import { looksLikeJson, parseJson } from './gorgias-response';

/**
 * Every Gorgias answer that is not a success, retried or waited out becomes one GorgiasApiError code
 * here (the connection advice and the sync's failure policy read only the code). `what` is the method
 * and path, e.g. `GET /tickets`.
 */
export function mapClientError(status: number, res: AxiosResponse<string>, what: string, resource: GorgiasResource): GorgiasApiError {
  const detail = errorDetail(res.data);
  if (status === 401) {
    return new GorgiasApiError('INVALID_CREDENTIALS', `${what}: 401 Unauthorized`, { status, resource });
  }
  if (status === 403) {
    if (/inactive|deactivated|suspended|disabled|not active/i.test(detail)) {
      return new GorgiasApiError('ACCOUNT_INACTIVE', `${what}: 403 account inactive`, { status, resource });
    }
    return new GorgiasApiError('PERMISSION_DENIED', `${what}: 403 Forbidden`, { status, resource });
  }
  if (status === 404) {
    // The account itself missing, or a 404 that is not the API's JSON: the subdomain does not exist.
    if (resource === 'account' || !looksLikeJson(res)) {
      return new GorgiasApiError('SUBDOMAIN_NOT_FOUND', `${what}: 404 Not Found`, { status, resource });
    }
    return new GorgiasApiError('NOT_FOUND', `${what}: 404 Not Found`, { status, resource });
  }
  if (status >= 300 && status < 400) {
    // Gorgias redirects hosts it does not serve to its website.
    return new GorgiasApiError('SUBDOMAIN_NOT_FOUND', `${what}: redirected (${status})`, { status, resource });
  }
  return new GorgiasApiError('BAD_REQUEST', `${what}: ${status}${detail ? ` ${detail.slice(0, 200)}` : ''}`, { status, resource });
}

/** The API's error text, for mapping only (never shown raw with credentials). */
function errorDetail(body: unknown): string {
  const parsed = parseJson(body) as any;
  if (parsed && typeof parsed === 'object') {
    const e = parsed.error ?? parsed;
    return [e.msg, e.message, e.detail, parsed.message].filter((x) => typeof x === 'string').join(' ');
  }
  return typeof body === 'string' ? body.slice(0, 300) : '';
}
