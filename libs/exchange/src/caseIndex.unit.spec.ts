import { describe, expect, it } from "vitest";
import { CaseIndex } from "./caseIndex";

describe("the in-memory case index", () => {
  it("when a case is added, then it is known and found by each certificate it references", () => {
    const index = new CaseIndex();
    index.add({ _id: "c1", role: "home", certificateIds: ["CERT-A", "CERT-B"] });
    index.add({ _id: "c2", role: "receiving", certificateIds: ["CERT-B"] });
    expect(index.has("c1")).toBe(true);
    expect(index.has("c3")).toBe(false);
    expect(index.withCertificate("CERT-B").sort()).toEqual(["c1", "c2"]);
    expect(index.withCertificate("CERT-C")).toEqual([]);
    expect(index.size).toBe(2);
  });

  it("when a window's case stops waiting for a registry, then it leaves the pending list; a home case never enters it", () => {
    const index = new CaseIndex();
    index.add({ _id: "r1", role: "receiving", certificatesPending: true });
    index.add({ _id: "h1", role: "home", certificatesPending: true });
    expect(index.pendingCertificates()).toEqual(["r1"]);
    index.add({ _id: "r1", role: "receiving", certificatesPending: false });
    expect(index.pendingCertificates()).toEqual([]);
  });
});
