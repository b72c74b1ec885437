import { MAX_PAGE_SIZE } from "@tongban/bounds";
import type { Collection, Filter } from "mongodb";
import type { FieldViolation } from "@tongban/rpc";
import type { CaseDoc } from "@tongban/exchange";

/**
 * One page of cases matching `filter`, newest first, and the token of the next page (empty at the
 * end). Case ids are ULIDs: sorting by _id is sorting by arrival, and the last id is the cursor.
 */
export async function pageById(
  cases: Collection<CaseDoc>,
  filter: Filter<CaseDoc>,
  size: number,
  pageToken: string,
): Promise<{ page: CaseDoc[]; nextPageToken: string }> {
  const docs = await cases
    .find(pageToken ? { ...filter, _id: { $lt: pageToken } } : filter)
    .sort({ _id: -1 })
    .limit(size + 1)
    .toArray();
  const page = docs.slice(0, size);
  return { page, nextPageToken: docs.length > size ? (page.at(-1)?._id ?? "") : "" };
}

/** A requested page size within MAX_PAGE_SIZE (0 means the default, 50), else a violation of page_size. */
export function checkPageSize(v: FieldViolation[], pageSize: number): number {
  if (pageSize > MAX_PAGE_SIZE)
    v.push({ field: "page_size", description: `每页最多 ${MAX_PAGE_SIZE} 条 / page size is at most ${MAX_PAGE_SIZE}` });
  return pageSize || 50;
}
