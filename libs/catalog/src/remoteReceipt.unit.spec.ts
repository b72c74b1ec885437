import { describe, expect, it } from "vitest";
import { items } from "./catalog";
import { isRemoteReceiptEligible } from "./remoteReceipt";

describe("isRemoteReceiptEligible", () => {
  it.each([
    "异地代收代办",
    "异地代办",
    "多地联办",
    "全程网办、多地联办",
    "网上预审，申请材料邮政寄递，申请人网上领取电子营业执照",
    "网上预审，申请材料及有关文书可邮政寄递",
    "网上预审、审查、审批，申请材料、证书及有关文书可邮政寄递",
  ])("when the mode is %s, then the item is eligible for remote receipt", (mode) => {
    expect(isRemoteReceiptEligible(mode)).toBe(true);
  });

  it.each([
    "全程网办",
    "网上申请办理",
    "全国无差别办理",
    "目前，仍需现场办理",
    "我省无该事项，外省人社部门提供互联网渠道自助办理",
    "按照中国残联统一部署安排",
    "按照商务部、公安部、税务总局统一部署安排",
  ])("when the mode is %s, then the item is not eligible", (mode) => {
    expect(isRemoteReceiptEligible(mode)).toBe(false);
  });

  it("when 全程网办 is combined with 代收, then the item is eligible", () => {
    expect(isRemoteReceiptEligible("全程网办、异地代收")).toBe(true);
  });

  it("when mail is mentioned without online pre-review, then mail alone does not make the item eligible", () => {
    expect(isRemoteReceiptEligible("全程网办，结果邮政寄递")).toBe(false);
  });

  it("when the mode still carries PDF line breaks, then the result is the same as for the joined text", () => {
    expect(isRemoteReceiptEligible("异地代收代\n\n办")).toBe(true);
    expect(isRemoteReceiptEligible("目前，仍需现\n\n场办理")).toBe(false);
  });

  it("when the bundled catalog is read, then 31 items are eligible, exactly those with a 代收/代办/联办 or 网上预审+邮政寄递 mode", () => {
    const eligible = items()
      .filter((it) => it.remoteReceipt)
      .map((it) => it.seq);
    expect(eligible).toEqual([
      8, 9, 11, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 40, 49, 50, 51, 52, 53, 54, 55, 56, 57, 65, 66, 68, 99, 100,
    ]);
  });
});
