import { type CaseDoc, type ExchangeContext, executeNodeCommand, isHomeSide, loadCase } from "@tongban/exchange";
import { DomainError, isInStatus, transitions } from "@tongban/lifecycle";
import type { MaterialStore } from "./materialStore";

/** Where the home holds a cited scan: its own fetched copy, or (a local leg) the upload itself. */
export const copyIdOf = (doc: Pick<CaseDoc, "_id" | "role">, ref: string): string => (doc.role === "local" ? ref : `${doc._id}/${ref}`);

/** Request id of the node's one check of a case's scans: a retried record is applied once. */
const CHECK_REQUEST = "node:scans-checked";

/**
 * Records the home node's check of a case's scans (case.scans_checked, 电子材料核验) once every
 * scan the case cites is settled here — verified, or refused as a digest mismatch — so that both
 * sides and the monitor see it and the authority may accept on verified copies where the item's
 * mode allows. Does nothing while a scan is still being fetched, before the case reached the
 * home's side of its history (not yet forwarded), after it ended, or once recorded. Returns
 * whether the check is (now) on the case.
 */
export async function recordScansChecked(ctx: ExchangeContext, store: MaterialStore, caseId: string): Promise<boolean> {
  const doc = await loadCase(ctx, caseId);
  if (!doc || !isHomeSide(doc)) return false;
  if (doc.state.status !== "INITIAL" && doc.state.scans) return true;
  if (!isInStatus(doc.state, transitions.RecordScansChecked.from)) return false;
  const materials = doc.submission.materials;
  const cited = materials.flatMap((m) => (m.file ? [m.file.ref] : []));
  if (cited.length === 0) return false;
  const copies = await Promise.all(cited.map((ref) => store.get(copyIdOf(doc, ref))));
  const settled = copies.every((c) => c?.state === "verified" || c?.state === "uploaded" || c?.state === "digest_mismatch");
  if (!settled) return false;
  const mismatchedRefs = cited.filter((_, i) => copies[i]?.state === "digest_mismatch");
  try {
    await executeNodeCommand(ctx, caseId, CHECK_REQUEST, {
      type: "RecordScansChecked",
      actor: "home",
      data: { verified: cited.length - mismatchedRefs.length, mismatchedRefs, paperOnly: materials.length - cited.length },
    });
    return true;
  } catch (err) {
    // The case moved on meanwhile (ended, or checked by an earlier attempt): nothing to record.
    if (err instanceof DomainError) return false;
    throw err;
  }
}
