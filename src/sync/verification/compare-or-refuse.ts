import type { RowComparison } from '../../tickets/repositories/ticket-compare.repository';
import { dataErrorReason, isDataError } from '../engine/outcome/failure-class';

/** A page's comparison, and the records PostgreSQL refused to even read as rows (by id, with its reason). */
export interface PageComparison {
  differing: RowComparison[];
  refused: Map<string, string>;
}

/**
 * Compares a page of rows; when PostgreSQL refuses the page for a data reason (a value it cannot read
 * as its column's type, the reason a sync quarantines a record), compares them one by one, so every
 * other record is still compared and each refused one is named with PostgreSQL's reason.
 */
export async function compareOrRefuse<T>(
  rows: T[],
  idOf: (row: T) => string,
  compare: (rows: T[]) => Promise<RowComparison[]>,
): Promise<PageComparison> {
  try {
    return { differing: await compare(rows), refused: new Map() };
  } catch (e) {
    if (!isDataError(e) || rows.length === 0) throw e;
  }
  const differing: RowComparison[] = [];
  const refused = new Map<string, string>();
  for (const row of rows) {
    try {
      differing.push(...(await compare([row])));
    } catch (e) {
      if (!isDataError(e)) throw e;
      refused.set(idOf(row), dataErrorReason(e));
    }
  }
  return { differing, refused };
}

/**
 * The quarantined records of a page: those PostgreSQL refused just now, and the missing ones a sync
 * quarantined before (with the reason it recorded). Neither counts as missing, nor is repaired: the
 * database would refuse them again.
 */
export function quarantinedOf(page: PageComparison, recorded: Map<string, string>): Map<string, string> {
  const out = new Map(page.refused);
  for (const d of page.differing) {
    const reason = recorded.get(d.externalId);
    if (d.missing && reason !== undefined) out.set(d.externalId, reason);
  }
  return out;
}
