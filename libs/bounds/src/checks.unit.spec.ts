import { describe, expect, it } from "vitest";
import { type BoundViolation, capViolations, checkCount, textProblem } from "./checks";
import { MAX_VIOLATIONS_REPORTED } from "./limits";

describe("text bounds", () => {
  it("when a text is within its length and plain, then it passes, Chinese counted by characters", () => {
    expect(textProblem("陈晓明", 3)).toBeUndefined();
    expect(textProblem("😀😀", 2)).toBeUndefined();
    expect(textProblem("", 3)).toBeUndefined();
  });

  it("when a text is longer than its limit, then the problem names the limit in Chinese and English", () => {
    expect(textProblem("陈晓明华", 3)).toBe("字段过长（最多3字）/ field too long (max 3 characters)");
    expect(textProblem("x".repeat(1_000_000), 100)).toContain("max 100 characters");
  });

  it.each([
    ["NUL", "陈\u0000明", "U+0000"],
    ["escape", "a\u001bb", "U+001B"],
    ["DEL", "a\u007fb", "U+007F"],
    ["C1 control", "a\u0085b", "U+0085"],
    ["line break in a one-line field", "a\nb", "U+000A"],
  ])("when a text holds a control character (%s), then it is refused naming the code point", (_what, value, code) => {
    expect(textProblem(value, 100)).toContain(`control character ${code}`);
  });

  it.each([
    ["RLO", "\u202E", "U+202E"],
    ["LRE", "\u202A", "U+202A"],
    ["RLI", "\u2067", "U+2067"],
    ["PDI", "\u2069", "U+2069"],
    ["LRM", "\u200E", "U+200E"],
    ["RLM", "\u200F", "U+200F"],
    ["ALM", "\u061C", "U+061C"],
  ])("when a text holds a bidirectional control (%s), then it is refused", (_what, ch, code) => {
    expect(textProblem(`陈${ch}明`, 100)).toContain(`bidirectional control character ${code}`);
  });

  it("when a text holds a lone surrogate or a noncharacter, then it is refused; a surrogate pair is fine", () => {
    expect(textProblem("a\uD800b", 100)).toContain("lone surrogate");
    expect(textProblem("a\uDC00", 100)).toContain("lone surrogate");
    expect(textProblem("a\uFFFE", 100)).toContain("U+FFFE");
    expect(textProblem("a\uFFFF", 100)).toContain("U+FFFF");
    expect(textProblem("𠀀", 100)).toBeUndefined();
  });

  it("when free text may span lines, then tab and line breaks pass but other controls do not", () => {
    expect(textProblem("第一行\r\n第二行\t完", 100, { multiline: true })).toBeUndefined();
    expect(textProblem("a\u0000", 100, { multiline: true })).toContain("U+0000");
  });
});

describe("count bounds", () => {
  it("when a list has more entries than allowed, then one violation names the field, the limit and the count", () => {
    const out: BoundViolation[] = [];
    expect(checkCount(out, "materials", 50_000, 50, { zh: "材料", en: "materials" })).toBe(false);
    expect(out).toEqual([{ field: "materials", description: "材料最多50项 / at most 50 materials (got 50000)" }]);
  });

  it("when a list is within its limit, then nothing is added", () => {
    const out: BoundViolation[] = [];
    expect(checkCount(out, "materials", 50, 50, { zh: "材料", en: "materials" })).toBe(true);
    expect(out).toEqual([]);
  });

  it("when there are more violations than reported per request, then the rest are summed up in one entry", () => {
    const many = Array.from({ length: 500 }, (_, i) => ({ field: `f${i}`, description: "x" }));
    const capped = capViolations(many);
    expect(capped).toHaveLength(MAX_VIOLATIONS_REPORTED + 1);
    expect(capped.at(-1)!.description).toContain(`${500 - MAX_VIOLATIONS_REPORTED} more`);
    expect(capViolations(many.slice(0, 3))).toEqual(many.slice(0, 3));
  });
});
