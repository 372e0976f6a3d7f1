import type { AxiosResponse } from 'axios';

/** Reading a Gorgias answer: headers, and a body that may or may not be the API's JSON. */

export function headerOf(res: AxiosResponse, name: string): string | undefined {
  const value = res.headers?.[name];
  return Array.isArray(value) ? value[0] : value == null ? undefined : String(value);
}

export function parseJson(text: unknown): unknown {
  if (typeof text !== 'string') return text ?? undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function looksLikeJson(res: AxiosResponse): boolean {
  const type = headerOf(res, 'content-type') ?? '';
  if (type) return /json/i.test(type);
  return /^\s*[[{]/.test(typeof res.data === 'string' ? res.data : '');
}
