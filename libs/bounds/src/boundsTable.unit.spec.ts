import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { boundsTable } from "./boundsTable";
import * as limits from "./limits";

const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");

/** The rows of the table under "## Input bounds", as [fields, limit, constant] cells. */
function readmeRows(): string[][] {
  const start = readme.indexOf("\n## Input bounds");
  expect(start, "README has an Input bounds section").toBeGreaterThan(0);
  const section = readme.slice(start + 1).split(/\n## /)[0]!;
  return section
    .split("\n")
    .filter((l) => l.startsWith("|"))
    .slice(2)
    .map((l) =>
      l
        .slice(1, -1)
        .split("|")
        .map((c) => c.trim().replace(/^`|`$/g, "")),
    );
}

describe("the README's Input bounds table", () => {
  it("when the README is read, then its table lists exactly the bounds in the constants", () => {
    expect(readmeRows()).toEqual(boundsTable().map((r) => [r.fields, r.limit, r.constant]));
  });

  it("when the constants are listed, then every numeric one has a row in the table", () => {
    const inTable = new Set(boundsTable().map((r) => r.constant));
    const numeric = Object.entries(limits)
      .filter(([, v]) => typeof v === "number")
      .map(([k]) => k);
    expect(numeric.filter((k) => !inTable.has(k as never))).toEqual([]);
  });
});
