/**
 * Builds the service processes to JavaScript in dist/ (`npm run build`; `npm ci` runs it through
 * `prepare`). Each entry point becomes one ESM bundle with its workspace packages (@tongban/*)
 * inlined and every third-party package left as an import from node_modules, so native and optional
 * modules resolve as they do from source. The services run the bundles with plain node: no
 * TypeScript loader in the process (memory, start-up time).
 *
 * Whatever spawns services calls buildServices() first: a build takes well under a second, so it
 * always rebuilds rather than judging staleness, and a spawned process never runs code older than
 * the sources. Each file is written to a temporary name and renamed, so a process starting while
 * another build runs reads either the old or the new bundle, never half of one.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const distDir = join(repoRoot, "dist");

/** Entry point (relative to the repository root) → bundle name in dist/. */
export const serviceEntries: Readonly<Record<string, string>> = {
  "services/node/src/main.ts": "node",
  "services/certs/src/main.ts": "certs",
  "services/monitor/src/main.ts": "monitor",
  "services/cli/src/main.ts": "cli",
};

/**
 * V8 old-space limit of a service process, in MB. An idle city node holds about 35 MB in old space
 * (the bundle's code and data, kafkajs and grpc-js state); 160 leaves room for load bursts (kafkajs
 * fetch buffers, gRPC streams, the case log's batches) while a leak or an unbounded buffer fails fast and visibly
 * instead of growing the process to the default limit (a quarter to a half of the machine's memory).
 */
export const serviceHeapMb = 160;

/**
 * V8 young-generation semi-space limit, in MB. Left to itself V8 lets the new space grow to 128 MB
 * on this kind of host, and a scavenge touches all of it: that, not the live heap (about 45 MB in an
 * idle city node), was most of a process's resident memory. 16 MB semi-spaces keep scavenges short
 * and frequent enough for the exchange's short-lived allocations.
 */
export const serviceSemiSpaceMb = 16;

/** The node arguments that run a built service: the heap limits and source-mapped stack traces. */
export function serviceNodeArgs(script: string): string[] {
  return [
    `--max-old-space-size=${serviceHeapMb}`,
    `--max-semi-space-size=${serviceSemiSpaceMb}`,
    "--enable-source-maps",
    builtPath(script),
  ];
}

/** The bundle built from an entry point, e.g. services/node/src/main.ts → dist/node.mjs. */
export function builtPath(script: string): string {
  const name = serviceEntries[relative(repoRoot, resolve(repoRoot, script))];
  if (!name) throw new Error(`not a built service entry point: ${script}`);
  return join(distDir, `${name}.mjs`);
}

/** The operators' dashboard, bundled for the browser (lit-html, uPlot and its CSS inlined) into dist/dashboard/. */
export const dashboardDir = join(distDir, "dashboard");

async function buildDashboard(): Promise<void> {
  const result = await build({
    entryPoints: { dashboard: join(repoRoot, "services/monitor/src/dashboard/main.ts") },
    outdir: dashboardDir,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    sourcemap: true,
    write: false,
    logLevel: "warning",
  });
  writeAll(result.outputFiles);
}

/** Writes each file to a temporary name and renames it, so a reader sees the old or the new file, never half of one. */
function writeAll(files: readonly { path: string; contents: Uint8Array }[]): void {
  for (const file of files) {
    mkdirSync(dirname(file.path), { recursive: true });
    const tmp = `${file.path}.${process.pid}.tmp`;
    writeFileSync(tmp, file.contents);
    renameSync(tmp, file.path);
  }
}

/** Bundles every entry point into dist/, and the dashboard into dist/dashboard/. */
export async function buildServices(): Promise<void> {
  await buildDashboard();
  const result = await build({
    entryPoints: Object.fromEntries(Object.entries(serviceEntries).map(([src, name]) => [name, join(repoRoot, src)])),
    outdir: distDir,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node24",
    sourcemap: true,
    // Third-party packages stay imports from node_modules (what `packages: "external"` does), but the
    // workspace packages (@tongban/*, symlinks to TypeScript sources in libs/ and services/) are inlined.
    plugins: [
      {
        name: "third-party-external",
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, (args) =>
            args.path.startsWith("@tongban/") ? undefined : { path: args.path, external: true },
          );
        },
      },
      {
        // Modules find their files relative to themselves (deploy/network.json, .run/pki, the monitor's
        // public/): in a module bundled into dist/, import.meta.url stays the URL of its source file.
        // The entry points keep the bundle's own URL, which their "run when main" check compares.
        name: "source-import-meta-url",
        setup(b) {
          const entries = new Set(Object.keys(serviceEntries).map((src) => join(repoRoot, src)));
          b.onLoad({ filter: /\.ts$/ }, (args) => {
            if (entries.has(args.path) || args.path.includes("/node_modules/")) return undefined;
            const source = readFileSync(args.path, "utf8");
            if (!source.includes("import.meta.url")) return undefined;
            return { contents: source.replaceAll("import.meta.url", JSON.stringify(pathToFileURL(args.path).href)), loader: "ts" };
          });
        },
      },
    ],
    // A bundle in ESM has no require(); some dependencies still call it (createRequire restores it).
    banner: {
      js: "import { createRequire as __tongbanCreateRequire } from 'node:module'; const require = __tongbanCreateRequire(import.meta.url);",
    },
    write: false,
    logLevel: "warning",
  });
  writeAll(result.outputFiles);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildServices();
}
