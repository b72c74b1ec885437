import type { ItemRecord } from "./catalogItem";

/** The two sides of a transfer (转移接续, 户口迁移): the city it leaves and the city it joins. */
export type LegRole = "out" | "in";

/** One leg of a jointly handled item (多地联办): an ordinary case at that side's authority. */
export interface JointLeg {
  readonly role: LegRole;
  /** Legs whose decision this leg waits for before it starts. */
  readonly waitsFor: readonly LegRole[];
  readonly name: { readonly zh: string; readonly en: string };
}

/** How an item is handled across cities: by one home authority, or jointly by several legs. */
export type Handling = { readonly kind: "single" } | { readonly kind: "joint"; readonly legs: readonly JointLeg[]; readonly basis: string };

const OUT_AND_IN = /(转入地|迁入地).{0,4}(转出地|迁出地)|(转出地|迁出地).{0,4}(转入地|迁入地)/;

/**
 * Whether the item is handled jointly, read from its 应用场景 as written. The rule: the scenario
 * names both sides of a transfer — 转入地 / 迁入地 and 转出地 / 迁出地 — as handling it together
 * (协同办理). Such an item has two legs: the transfer-out authority decides first (releases the
 * record, issues the 转移凭证 or 迁移证明), and the transfer-in authority's leg waits for that
 * decision. Everything else is single-home, including a transfer whose other party is not a city
 * authority (退役军人养老保险: "转入地与军队经办机构协同办理", the military agency is outside the
 * network) and a transfer the joining side handles alone (二手车交易登记).
 */
export function handlingOf(item: Pick<ItemRecord, "scenario">): Handling {
  const text = item.scenario.replace(/\s+/g, "");
  if (!text.includes("协同办理") || !OUT_AND_IN.test(text)) return { kind: "single" };
  const outName = text.includes("迁出地") ? "迁出地" : "转出地";
  const inName = text.includes("迁入地") ? "迁入地" : "转入地";
  return {
    kind: "joint",
    basis: OUT_AND_IN.exec(text)![0],
    legs: [
      { role: "out", waitsFor: [], name: { zh: `${outName}办理`, en: "transfer-out authority" } },
      { role: "in", waitsFor: ["out"], name: { zh: `${inName}办理`, en: "transfer-in authority" } },
    ],
  };
}
