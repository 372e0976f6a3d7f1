import { datetimeMs } from '../gorgias-datetime';

/** Keeps one item per id, the most recently updated one (a page may list an item twice while it changes). */
export function latestById<T extends { id: number }>(items: T[], version: (item: T) => string | null | undefined): T[] {
  const byId = new Map<number, T>();
  for (const item of items) {
    const seen = byId.get(item.id);
    if (!seen || !(datetimeMs(version(item)) < datetimeMs(version(seen)))) byId.set(item.id, item);
  }
  return [...byId.values()];
}
