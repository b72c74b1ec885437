import { describe, expect, it } from "vitest";
import { bufferOutput } from "./output";
import { Progress } from "./progress";

describe("Progress", () => {
  it("when the output is not a terminal, then one line per tenth of the work is written, ending at 100%", () => {
    const out = bufferOutput();
    const p = new Progress(out, "重放 replaying", 200);
    for (let i = 0; i < 200; i++) p.tick();
    p.finish();
    const lines = out.text().trimEnd().split("\n");
    expect(lines).toHaveLength(11);
    expect(lines[0]).toBe(`重放 replaying [${".".repeat(24)}] 1/200 0%`);
    expect(lines.at(-1)).toBe(`重放 replaying [${"#".repeat(24)}] 200/200 100%`);
  });

  it("when the output is a terminal, then the line is redrawn in place and ended once", () => {
    const chunks: string[] = [];
    const p = new Progress({ write: (t: string) => chunks.push(t), isTTY: true }, "重放", 3);
    p.tick(3);
    p.finish();
    expect(chunks.every((c) => c.startsWith("\r"))).toBe(true);
    expect(chunks.at(-1)).toBe(`\r重放 [${"#".repeat(24)}] 3/3 100%\n`);
  });

  it("when there is nothing to do, then it still reports completion", () => {
    const out = bufferOutput();
    new Progress(out, "重放", 0).finish();
    expect(out.text()).toBe(`重放 [${"#".repeat(24)}] 0/0 100%\n`);
  });
});
