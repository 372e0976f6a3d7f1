import type { SourcePage } from '../engine/source/helpdesk-source';

/**
 * The pages of a list, newest first, the next one asked for while the caller compares and writes the
 * current one: the call's latency hides behind the database work. Ends at the list's last page or the
 * first page `ends` says reaches past the window. A page fetched ahead and not used (the caller stopped:
 * cancelled, lease lost, crashed) is one call spent; it is read again by whoever continues.
 */
export async function* prefetchingPages<T>(
  cursor: string | undefined,
  fetch: (cursor: string | undefined) => Promise<SourcePage<T>>,
  ends: (page: SourcePage<T>) => boolean,
): AsyncGenerator<{ page: SourcePage<T>; last: boolean }> {
  let pending = fetch(cursor);
  for (;;) {
    const page = await pending;
    const last = !page.meta.next_cursor || ends(page);
    if (!last) {
      pending = fetch(page.meta.next_cursor ?? undefined);
      pending.catch(() => undefined); // awaited on the next turn; not left unhandled when the caller stops first
    }
    yield { page, last };
    if (last) return;
  }
}
