import { badUserInput } from '../graphql-errors';

/** No list answers more than this many items at once. */
export const MAX_PAGE_SIZE = 100;

/** Checks a `first` argument: 1..MAX_PAGE_SIZE, else BAD_USER_INPUT naming the argument and the fix. */
export function checkPageSize(first: number | null | undefined, fallback: number, argName = 'first'): number {
  const value = first ?? fallback;
  if (!Number.isInteger(value) || value < 1 || value > MAX_PAGE_SIZE) {
    throw badUserInput(
      `${argName}: must be between 1 and ${MAX_PAGE_SIZE} (got ${value}); page through larger results with "${argName === 'last' ? 'before' : 'after'}".`,
      argName,
    );
  }
  return value;
}
