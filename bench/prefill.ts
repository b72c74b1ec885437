import { Binary, type Document, MongoClient } from "mongodb";

/** Receipt numbers of the cloned cases start with this. */
export const PREFILL_RECEIPT = "GROW-";

/** One real case of a city as stored at the end of a run: its read-model document and its log rows. */
export interface CaseTemplate {
  doc: Document;
  rows: Document[];
}

/** Per city, a case of each role, copied from a finished run's stores. */
export type Templates = Map<string, CaseTemplate[]>;

/** Captures, per city, one case of each role (with its rows) from the run's databases. */
export async function captureTemplates(mongo: MongoClient, dbOf: (city: string) => string, cities: string[]): Promise<Templates> {
  const out: Templates = new Map();
  for (const city of cities) {
    const db = mongo.db(dbOf(city));
    const found: CaseTemplate[] = [];
    for (const role of ["receiving", "home"]) {
      const doc = await db.collection("cases").findOne({ role });
      if (!doc) continue;
      const rows: Document[] = [];
      for (let rev = 1; rev <= Number(doc.rev); rev++) {
        const row = await db.collection("case_log").findOne({ _id: `${String(doc._id)}:${rev}` as never });
        if (row) rows.push(row);
      }
      found.push({ doc, rows });
    }
    out.set(city, found);
  }
  return out;
}

/** A deep copy with every string's occurrences of `from` replaced (ids and receipt numbers); binary values shared. */
function rewrite(value: unknown, swaps: [string, string][]): unknown {
  if (typeof value === "string") return swaps.reduce((s, [a, b]) => s.replaceAll(a, b), value);
  if (value === null || typeof value !== "object" || value instanceof Date || value instanceof Binary || Buffer.isBuffer(value))
    return value;
  if (Array.isArray(value)) return value.map((v) => rewrite(v, swaps));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewrite(v, swaps)]));
}

/**
 * Fills each city's store with `perCity` cases cloned from the templates (half of each role), as
 * a store looks after a long time in service: every clone has its own case id, receipt number and
 * rows. The clones' outbox entries count as published (no batch markers point at them).
 * Returns the number of documents written.
 */
export async function prefillStores(
  mongoUri: string,
  dbOf: (city: string) => string,
  templates: Templates,
  perCity: number,
  progress: (line: string) => void,
): Promise<number> {
  const mongo = new MongoClient(mongoUri);
  await mongo.connect();
  let written = 0;
  try {
    const chunk = 500;
    for (const [city, tpls] of templates) {
      const db = mongo.db(dbOf(city));
      for (let i = 0; i < perCity; i += chunk) {
        const docs: Document[] = [];
        const rows: Document[] = [];
        for (let j = i; j < Math.min(perCity, i + chunk); j++) {
          const t = tpls[j % tpls.length]!;
          const oldId = String(t.doc._id);
          const oldReceipt = String(t.doc.receiptNo);
          const id = `G${city.slice(0, 2).toUpperCase()}${String(j).padStart(9, "0")}${oldId.slice(12)}`;
          const swaps: [string, string][] = [
            [oldId, id],
            [oldReceipt, `${PREFILL_RECEIPT}${String(j).padStart(8, "0")}`],
          ];
          docs.push(rewrite(t.doc, swaps) as Document);
          for (const r of t.rows) rows.push({ ...(rewrite(r, swaps) as Document), batch: 0 });
        }
        await db.collection("cases").insertMany(docs, { ordered: false });
        await db.collection("case_log").insertMany(rows, { ordered: false });
        written += docs.length + rows.length;
        progress(`prefill ${city}: ${Math.min(perCity, i + chunk)} / ${perCity} cases`);
      }
    }
    return written;
  } finally {
    await mongo.close();
  }
}
