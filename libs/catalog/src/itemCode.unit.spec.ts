import { describe, expect, it } from "vitest";
import { isItemCode, itemCodeFor } from "./itemCode";

describe("item codes", () => {
  it("when a code is built, then the batch part is 2020, 2021 or LATER and seq has three digits", () => {
    expect(itemCodeFor("2020", 1)).toBe("TB-2020-001");
    expect(itemCodeFor("2021", 97)).toBe("TB-2021-097");
    expect(itemCodeFor("later", 106)).toBe("TB-LATER-106");
  });

  it("when seq is outside 1..999 or not an integer, then building fails", () => {
    expect(() => itemCodeFor("2020", 0)).toThrow(RangeError);
    expect(() => itemCodeFor("2020", 1.5)).toThrow(RangeError);
  });

  it("when a string is checked, then only the TB-<batch>-<nnn> shape passes", () => {
    expect(isItemCode("TB-LATER-099")).toBe(true);
    expect(isItemCode("TB-later-099")).toBe(false);
    expect(isItemCode("TB-2022-001")).toBe(false);
    expect(isItemCode("TB-2020-01")).toBe(false);
  });
});
