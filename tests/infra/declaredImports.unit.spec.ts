import { readFileSync, readdirSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

// Every package the code imports is declared where it is imported: a workspace's sources by that
// workspace's package.json (or the root's, for tooling), everything else (tests, deploy, bench) by
// the root's. A package that only arrives transitively would vanish with the next upgrade of the
// package that brings it.

const root = new URL("../../", import.meta.url).pathname;
const SCANNED = ["libs", "services", "tests", "deploy", "bench"];
const SKIPPED = new Set(["node_modules", "dist", "gen", ".run", ".cache"]);
const builtins = new Set(builtinModules);

interface Manifest {
  name?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}
const readManifest = (dir: string): Manifest => JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Manifest;
const declared = (m: Manifest) => new Set([m.dependencies, m.devDependencies, m.peerDependencies].flatMap((d) => Object.keys(d ?? {})));

const rootManifest = readManifest(root);
const workspaceDirs = ["libs", "services"].flatMap((d) => readdirSync(join(root, d)).map((w) => join(root, d, w)));
const workspaces = new Map(workspaceDirs.map((dir) => [dir, readManifest(dir)] as const));
const workspaceNames = new Set([...workspaces.values()].map((m) => m.name));

function* sources(dir: string): Generator<string> {
  for (const entry of readdirSync(dir)) {
    if (SKIPPED.has(entry)) continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) yield* sources(path);
    else if (/\.(ts|mts|js|mjs)$/.test(entry) && !entry.endsWith(".d.ts")) yield path;
  }
}

const SPECIFIER =
  /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*["']([^"']+)["']|(?:^|[\s;(])import\s*\(\s*["']([^"']+)["']\s*\)|^import\s+["']([^"']+)["']/gm;

/** The package a bare specifier names (`@scope/name/sub` → `@scope/name`), or undefined for a path or a builtin. */
function packageOf(spec: string): string | undefined {
  if (spec.startsWith(".") || spec.startsWith("/") || spec.startsWith("node:")) return undefined;
  const parts = spec.split("/");
  const name = spec.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
  return builtins.has(name) ? undefined : name;
}

describe("declared imports", () => {
  it("when every source file is read, then each package it imports is declared by its workspace or the root", () => {
    const undeclared: string[] = [];
    let files = 0;
    for (const top of SCANNED) {
      for (const file of sources(join(root, top))) {
        files++;
        const workspace = workspaceDirs.find((d) => file.startsWith(`${d}/`));
        const allowed = new Set([...declared(rootManifest), ...(workspace ? declared(workspaces.get(workspace)!) : [])]);
        for (const m of readFileSync(file, "utf8").matchAll(SPECIFIER)) {
          const pkg = packageOf(m[1] ?? m[2] ?? m[3]!);
          if (!pkg || allowed.has(pkg)) continue;
          // The workspaces resolve each other by name; a name that is no workspace is a typo or a leftover.
          if (pkg.startsWith("@tongban/") && workspaceNames.has(pkg)) continue;
          undeclared.push(`${relative(root, file)}: ${pkg}`);
        }
      }
    }
    expect(files).toBeGreaterThan(300);
    expect([...new Set(undeclared)]).toEqual([]);
  });
});
