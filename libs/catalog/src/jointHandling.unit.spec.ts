import { describe, expect, it } from "vitest";
import { items } from "./catalog";
import { handlingOf } from "./jointHandling";

// Written down from the attachment independently of the rule: the items whose scenario has the
// transfer-in and transfer-out authorities handle them together.
const JOINT = [
  "TB-2020-006",
  "TB-2020-007",
  "TB-2020-008",
  "TB-2020-009",
  "TB-2020-010",
  "TB-2021-051",
  "TB-2021-052",
  "TB-2021-053",
  "TB-2021-054",
  "TB-2021-055",
  "TB-2021-068",
  "TB-2021-087",
];

describe("handlingOf (多地联办)", () => {
  it("when every one of the 106 items is classified, then exactly the transfers between two cities' authorities are joint", () => {
    const all = items();
    expect(all).toHaveLength(106);
    expect(all.filter((i) => handlingOf(i).kind === "joint").map((i) => i.code)).toEqual(JOINT);
  });

  it("when an item is joint, then the transfer-out leg decides first and the transfer-in leg waits for it", () => {
    const h = handlingOf(items().find((i) => i.code === "TB-2021-051")!);
    expect(h).toMatchObject({
      kind: "joint",
      legs: [
        { role: "out", waitsFor: [], name: { zh: "迁出地办理" } },
        { role: "in", waitsFor: ["out"], name: { zh: "迁入地办理" } },
      ],
    });
  });

  it("when the other party is not a city authority or the joining side acts alone, then the item is single-home", () => {
    expect(handlingOf(items().find((i) => i.code === "TB-2020-011")!)).toEqual({ kind: "single" });
    expect(handlingOf(items().find((i) => i.code === "TB-2020-024")!)).toEqual({ kind: "single" });
  });
});
