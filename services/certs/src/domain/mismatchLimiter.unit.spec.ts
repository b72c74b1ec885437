import { describe, expect, it } from "vitest";
import { MismatchLimiter } from "./mismatchLimiter";

const A = "spiffe://tongban/xiamen/node/xiamen";
const B = "spiffe://tongban/quanzhou/node/quanzhou";

describe("MismatchLimiter", () => {
  it("when a caller has had fewer mismatch answers than the limit, then it is allowed and told what is left", () => {
    const l = new MismatchLimiter({ limit: 3, windowMs: 1_000, maxCallers: 10 });
    expect(l.allowance(A, 0)).toEqual({ ok: true, remaining: 3 });
    expect(l.take(A, 2, 0)).toEqual({ ok: true, remaining: 1 });
    expect(l.take(A, 1, 10)).toEqual({ ok: true, remaining: 0 });
  });

  it("when a caller has reached the limit, then it is refused until its oldest answer leaves the window", () => {
    const l = new MismatchLimiter({ limit: 2, windowMs: 1_000, maxCallers: 10 });
    l.take(A, 1, 100);
    l.take(A, 1, 400);
    expect(l.allowance(A, 500)).toEqual({ ok: false, retryAfterMs: 600 });
    expect(l.allowance(A, 1_099)).toEqual({ ok: false, retryAfterMs: 1 });
    expect(l.allowance(A, 1_100)).toEqual({ ok: true, remaining: 1 });
    expect(l.allowance(A, 1_400)).toEqual({ ok: true, remaining: 2 });
  });

  it("when a batch brings more mismatches than are left, then it is refused and its answers still count", () => {
    const l = new MismatchLimiter({ limit: 3, windowMs: 1_000, maxCallers: 10 });
    l.take(A, 2, 0);
    expect(l.take(A, 2, 50)).toEqual({ ok: false, retryAfterMs: 950 });
    // Four counted: the window frees up only once two of them have left.
    expect(l.allowance(A, 999)).toEqual({ ok: false, retryAfterMs: 1 });
    expect(l.allowance(A, 1_000)).toEqual({ ok: true, remaining: 1 });
    expect(l.allowance(A, 1_050)).toEqual({ ok: true, remaining: 3 });
  });

  it("when one caller is over the limit, then another caller is unaffected", () => {
    const l = new MismatchLimiter({ limit: 1, windowMs: 1_000, maxCallers: 10 });
    l.take(A, 1, 0);
    expect(l.allowance(A, 1).ok).toBe(false);
    expect(l.allowance(B, 1)).toEqual({ ok: true, remaining: 1 });
  });

  it("when answers without a mismatch are taken, then nothing is counted or tracked", () => {
    const l = new MismatchLimiter({ limit: 1, windowMs: 1_000, maxCallers: 10 });
    expect(l.take(A, 0, 0)).toEqual({ ok: true, remaining: 1 });
    expect(l.size).toBe(0);
  });

  it("when more callers are tracked than the cap, then an idle one is forgotten first and the tracked count stays bounded", () => {
    const l = new MismatchLimiter({ limit: 1, windowMs: 1_000, maxCallers: 2 });
    l.take("idle", 1, 0);
    l.take(A, 1, 1_500);
    l.take(B, 1, 1_600);
    expect(l.size).toBe(2);
    expect(l.allowance(A, 1_700).ok).toBe(false);
    expect(l.allowance(B, 1_700).ok).toBe(false);
    // All active: the longest idle (A) goes.
    l.take("third", 1, 1_800);
    expect(l.size).toBe(2);
    expect(l.allowance(A, 1_900)).toEqual({ ok: true, remaining: 1 });
    expect(l.allowance(B, 1_900).ok).toBe(false);
  });
});
