import { describe, expect, it } from "vitest";
import { item, items } from "./catalog";
import { preReviewRule } from "./preReview";

describe("which items may be accepted on their verified scans (网上预审)", () => {
  it("when the mode names online pre-review, with the paper by post, then verified scans may stand in for it at acceptance", () => {
    expect(preReviewRule("网上预审，申请材料邮政寄递，申请人网上领取电子营业执照")).toMatchObject({ allowed: true });
    expect(item("TB-2020-040")?.preReview).toBe(true);
  });

  it("when the mode is 异地代收代办, 异地代办 or 多地联办 alone, then acceptance waits for the paper and the reason says so", () => {
    for (const mode of ["异地代收代办", "异地代办", "多地联办"]) {
      expect(preReviewRule(mode)).toEqual({
        allowed: false,
        reason: "实现形式不含网上预审，须签收纸质材料后受理 / the mode has no online pre-review: acceptance waits for the signed-for paper",
      });
    }
  });

  it("when the mode is printed with PDF line-wrap spaces, then they are ignored", () => {
    expect(preReviewRule("网上 预审、审查、审批").allowed).toBe(true);
    expect(preReviewRule("全程 网办、多地联办").allowed).toBe(true);
  });

  it("when the remote-receipt items are listed, then exactly the 网上预审 items and item 9 (全程网办、多地联办) allow it", () => {
    const allowed = items()
      .filter((i) => i.remoteReceipt && i.preReview)
      .map((i) => i.seq);
    expect(allowed).toEqual([9, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 40]);
  });
});
