import { describe, expect, it } from "vitest";
import data from "../data/items.json" with { type: "json" };
import { items, loadCatalog } from "./catalog";
import { mergeTimeLimits, STATUTORY_TIME_LIMITS } from "./statutoryTimeLimits";
import { timeLimits } from "./timeLimits";

describe("timeLimits", () => {
  it("when an item has no override, then the 行政许可法 defaults apply: 5 to correct, 20 to decide, +10, 10 to deliver", () => {
    expect(timeLimits("TB-2020-001")).toMatchObject({ correctionDays: 5, decisionDays: 20, extensionDays: 10, deliveryDays: 10 });
    expect(timeLimits("TB-2020-001")?.basis).toEqual(STATUTORY_TIME_LIMITS.basis);
  });

  it("when a market-entity registration is looked up, then its override (3 days, +3) is merged over the defaults with its basis first", () => {
    const limits = timeLimits("TB-2020-026");
    expect(limits).toMatchObject({ correctionDays: 5, decisionDays: 3, extensionDays: 3, deliveryDays: 10 });
    expect(limits?.basis[0]).toContain("市场主体登记管理条例》第十九条");
    expect(limits?.basis.slice(1)).toEqual(STATUTORY_TIME_LIMITS.basis);
  });

  it("when the bundled data is read, then only the twelve 设立/变更/注销 registrations (26–37) carry an override", () => {
    const overridden = items()
      .filter((it) => it.timeLimits !== STATUTORY_TIME_LIMITS)
      .map((it) => it.seq);
    expect(overridden).toEqual([26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37]);
  });

  it("when the code is unknown, then there are no time limits", () => {
    expect(timeLimits("TB-2020-000")).toBeUndefined();
  });

  it("when an override sets only the delivery period, then the other periods keep their defaults", () => {
    expect(mergeTimeLimits({ deliveryDays: 5, basis: "test basis" })).toEqual({
      correctionDays: 5,
      decisionDays: 20,
      extensionDays: 10,
      deliveryDays: 5,
      basis: ["test basis", ...STATUTORY_TIME_LIMITS.basis],
    });
  });

  it("when a data file adds an override to another item, then that catalog reports it", () => {
    const raw = structuredClone(data) as unknown as { items: Record<string, unknown>[] };
    raw.items[21]!["timeLimits"] = { decisionDays: 15, basis: "override under test" };
    const limits = loadCatalog(raw).item("TB-2020-022")?.timeLimits;
    expect(limits).toMatchObject({ correctionDays: 5, decisionDays: 15, extensionDays: 10, deliveryDays: 10 });
  });
});
