import type { Db } from "mongodb";
import { CASES, type CaseDoc, ensureCaseIndexes } from "./caseDoc";
import { CASE_LOG, type CaseRow, foldRows } from "./caseLog";

/** Documents per insert while the read model is written back. */
const INSERT_CHUNK = 500;

export interface RebuildProgress {
  phase: "read" | "write";
  done: number;
  total: number;
}

export interface RebuildOutcome {
  rows: number;
  cases: number;
  /** Cases whose rows do not start at rev 1 or have a gap: left out, named here. */
  broken: string[];
}

/**
 * Rebuilds a node's read model (`cases`) from its case log (案件日志), the node's history of record:
 * every row of every case, folded in rev order, replaces what the read model held. The caller
 * holds the city's writer lease (the node is stopped). Rows arrive in any order and are folded as
 * soon as the ones before them are there, so memory holds the cases and a few rows out of order,
 * never the rows' outbox entries (not read). Idempotent: an interrupted rebuild is run again.
 */
export async function rebuildReadModel(
  db: Db,
  opts: { ferretDb: boolean; onProgress?: (p: RebuildProgress) => void },
): Promise<RebuildOutcome> {
  const rowsColl = db.collection<CaseRow>(CASE_LOG);
  // Rows are `<caseId>:<rev>`; batch markers `~batch:<n>` are not case rows.
  const filter = { caseId: { $exists: true } };
  const total = await rowsColl.countDocuments(filter);
  const folded = new Map<string, { doc: CaseDoc | undefined; waiting: Map<number, CaseRow> }>();
  let read = 0;
  for await (const row of rowsColl.find(filter, { projection: { outbox: 0 } })) {
    const c = folded.get(row.caseId) ?? { doc: undefined, waiting: new Map<number, CaseRow>() };
    folded.set(row.caseId, c);
    c.waiting.set(row.rev, row);
    for (let next = c.waiting.get((c.doc?.rev ?? 0) + 1); next; next = c.waiting.get((c.doc?.rev ?? 0) + 1)) {
      c.waiting.delete(next.rev);
      c.doc = foldRows(c.doc, [next]);
    }
    if (++read % 1000 === 0) opts.onProgress?.({ phase: "read", done: read, total });
  }
  opts.onProgress?.({ phase: "read", done: read, total });
  const docs: CaseDoc[] = [];
  const broken: string[] = [];
  for (const [id, c] of folded) {
    if (c.doc && c.waiting.size === 0) docs.push(c.doc);
    else broken.push(id);
  }
  const cases = db.collection<CaseDoc>(CASES);
  await cases.deleteMany({});
  for (let i = 0; i < docs.length; i += INSERT_CHUNK) {
    await cases.insertMany(docs.slice(i, i + INSERT_CHUNK), { ordered: false });
    opts.onProgress?.({ phase: "write", done: Math.min(i + INSERT_CHUNK, docs.length), total: docs.length });
  }
  await ensureCaseIndexes(db, { ferretDb: opts.ferretDb });
  return { rows: read, cases: docs.length, broken };
}
