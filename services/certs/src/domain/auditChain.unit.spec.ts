import { describe, expect, it } from "vitest";
import { type AuditEntry, type AuditRecord, GENESIS_HASH, chainLink, verifyAuditChain } from "./auditChain";

const entry = (i: number): AuditEntry => ({
  at: new Date(Date.UTC(2025, 0, 1, 8, 0, i)),
  action: "verify",
  certificateId: `1.2.156.3005.2.11100.X.${i}.1.0`,
  outcome: i % 2 ? "VALID" : "HOLDER_MISMATCH",
  purpose: { caseId: `case-${i}`, itemCode: "TB-2020-010", requestingNode: "xiamen", operator: "clerk-1" },
});

function chain(n: number): AuditRecord[] {
  const out: AuditRecord[] = [];
  for (let i = 1; i <= n; i++) {
    const prev = out.at(-1);
    out.push(chainLink(prev && { seq: prev._id, hash: prev.hash }, entry(i)));
  }
  return out;
}

describe("audit hash chain", () => {
  it("when records are chained, then each points at its predecessor and the first at the genesis hash", () => {
    const c = chain(3);
    expect(c.map((r) => r._id)).toEqual([1, 2, 3]);
    expect(c[0]!.prevHash).toBe(GENESIS_HASH);
    expect(c[1]!.prevHash).toBe(c[0]!.hash);
    expect(c[2]!.prevHash).toBe(c[1]!.hash);
  });

  it("when nothing was changed, then verification passes and reports the head", () => {
    const c = chain(5);
    expect(verifyAuditChain(c)).toEqual({ ok: true, checked: 5, headHash: c[4]!.hash, anchorsChecked: 0 });
    expect(verifyAuditChain([])).toEqual({ ok: true, checked: 0, headHash: GENESIS_HASH, anchorsChecked: 0 });
  });

  it("when a stored field of a record is altered, then that record is the first broken link", () => {
    const c = chain(5);
    c[2] = { ...c[2]!, outcome: "VALID", purpose: { ...c[2]!.purpose, operator: "someone-else" } };
    expect(verifyAuditChain(c)).toMatchObject({ ok: false, brokenSeq: 3, reason: expect.stringContaining("altered") });
  });

  it("when a record is altered and its hash recomputed, then the next record no longer links to it", () => {
    const c = chain(5);
    const forged = chainLink({ seq: 2, hash: c[1]!.hash }, { ...entry(3), outcome: "REVOKED" });
    c[2] = forged;
    expect(verifyAuditChain(c)).toMatchObject({ ok: false, brokenSeq: 4, reason: expect.stringContaining("does not link") });
  });

  it("when a record is deleted, then the gap is the first broken link", () => {
    const c = chain(5);
    c.splice(1, 1);
    expect(verifyAuditChain(c)).toMatchObject({ ok: false, brokenSeq: 2, reason: expect.stringContaining("missing") });
  });

  it("when the time of a record is changed by a millisecond, then it is detected", () => {
    const c = chain(2);
    c[0] = { ...c[0]!, at: new Date(c[0]!.at.getTime() + 1) };
    expect(verifyAuditChain(c)).toMatchObject({ ok: false, brokenSeq: 1 });
  });

  it("when the caller of a record is changed or removed, then it is detected; records without a caller still verify", () => {
    const withCaller = (i: number): AuditEntry => ({ ...entry(i), caller: "spiffe://tongban/xiamen/node/xiamen" });
    const first = chainLink(undefined, entry(1));
    const second = chainLink({ seq: 1, hash: first.hash }, withCaller(2));
    expect(verifyAuditChain([first, second])).toMatchObject({ ok: true, checked: 2 });
    const other = { ...second, caller: "spiffe://tongban/quanzhou/node/quanzhou" };
    expect(verifyAuditChain([first, other])).toMatchObject({ ok: false, brokenSeq: 2 });
    const { caller: _dropped, ...stripped } = second;
    expect(verifyAuditChain([first, stripped])).toMatchObject({ ok: false, brokenSeq: 2 });
  });

  /** The chain with records from `from` on rewritten (outcome changed) and every later hash recomputed: intact by itself. */
  function rewrittenTail(c: AuditRecord[], from: number): AuditRecord[] {
    const out = c.slice(0, from - 1);
    for (let i = from; i <= c.length; i++) {
      const prev = out.at(-1);
      out.push(chainLink(prev && { seq: prev._id, hash: prev.hash }, { ...entry(i), outcome: "NOT_FOUND" }));
    }
    return out;
  }

  it("when the whole tail is rewritten with recomputed hashes, then it passes on its own but not against a published anchor", () => {
    const c = chain(6);
    const anchors = [
      { seq: 3, hash: c[2]!.hash, at: new Date("2026-01-01T00:00:00Z") },
      { seq: 5, hash: c[4]!.hash, at: new Date("2026-01-01T00:01:00Z") },
    ];
    expect(verifyAuditChain(c, anchors)).toMatchObject({ ok: true, anchorsChecked: 2 });
    const forged = rewrittenTail(c, 4);
    expect(verifyAuditChain(forged)).toMatchObject({ ok: true });
    expect(verifyAuditChain(forged, anchors)).toMatchObject({
      ok: false,
      brokenSeq: 5,
      reason: expect.stringContaining("rewritten"),
      anchorsChecked: 1,
    });
  });

  it("when the tail is cut off below an anchored head, then the missing records are the broken link", () => {
    const c = chain(6);
    const anchors = [{ seq: 6, hash: c[5]!.hash, at: new Date("2026-01-01T00:00:00Z") }];
    expect(verifyAuditChain(c.slice(0, 4), anchors)).toMatchObject({ ok: false, brokenSeq: 5, reason: expect.stringContaining("cut off") });
  });
});
