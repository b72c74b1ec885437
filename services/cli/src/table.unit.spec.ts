import { describe, expect, it } from "vitest";
import { displayWidth, table } from "./table";

describe("table", () => {
  it("when headings are Chinese, then columns line up as a terminal shows them (CJK characters take two columns)", () => {
    expect(displayWidth("节点 node")).toBe(9);
    const lines = table(
      ["节点 node", "状态"],
      [
        ["xiamen", "正常"],
        ["zhangzhou", "无法连接"],
      ],
    ).split("\n");
    expect(lines[0]).toBe("节点 node  状态");
    expect(lines[1]).toBe("---------  --------");
    expect(lines[2]).toBe("xiamen     正常");
    expect(lines[3]).toBe("zhangzhou  无法连接");
  });
});
