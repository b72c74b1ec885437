import { type CaseDoc, isReceivingSide } from "./caseDoc";

type Indexed = Pick<CaseDoc, "_id" | "role" | "certificateIds" | "certificatesPending">;

/**
 * What the node keeps in memory about every case it has, so that no lookup scans the store
 * (FerretDB pushes only `_id` down and decodes the whole collection for anything else): which
 * cases exist, which cases rely on a certificate, and which of its windows' cases still wait for
 * a registry. Filled once at start from the read model and then by every append (this process
 * is the city's only writer).
 */
export class CaseIndex {
  private readonly known = new Set<string>();
  private readonly byCertificate = new Map<string, Set<string>>();
  private readonly pending = new Set<string>();

  /** Records a case as it now is (a later call for the same case replaces what it said). */
  add(doc: Indexed): void {
    this.known.add(doc._id);
    for (const id of doc.certificateIds ?? []) {
      const cases = this.byCertificate.get(id) ?? new Set<string>();
      cases.add(doc._id);
      this.byCertificate.set(id, cases);
    }
    if (isReceivingSide(doc) && doc.certificatesPending) this.pending.add(doc._id);
    else this.pending.delete(doc._id);
  }

  has(caseId: string): boolean {
    return this.known.has(caseId);
  }

  get size(): number {
    return this.known.size;
  }

  /** Cases that reference the certificate (upper-case id, as stored). */
  withCertificate(certificateId: string): string[] {
    return [...(this.byCertificate.get(certificateId) ?? [])];
  }

  /** This node's windows' cases with certificates still UNVERIFIED. */
  pendingCertificates(): string[] {
    return [...this.pending];
  }
}
