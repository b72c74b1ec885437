import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderAccessTable } from "./accessTable";

/** Table rows as trimmed cells (the README's table is aligned by the formatter), separator row left out. */
const cells = (markdown: string) =>
  markdown
    .split("\n")
    .filter((l) => l.startsWith("|") && !/^\|[\s|:-]+\|$/.test(l))
    .map((l) =>
      l
        .slice(1, -1)
        .split("|")
        .map((c) => c.trim()),
    );

const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");

describe("the README's authorization table", () => {
  it("when the README is read, then its table is the access table the interceptor applies", () => {
    const start = readme.indexOf("\n### Authorization table");
    expect(start, "README has an Authorization table section").toBeGreaterThan(0);
    const section = readme.slice(start + 1).split(/\n#{2,3} /)[0]!;
    expect(cells(section)).toEqual(cells(renderAccessTable()));
  });
});
