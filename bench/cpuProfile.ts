import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileSummary {
  file: string;
  /** Profiled wall time, ms. */
  wallMs: number;
  /** Time in JavaScript and native code (not idle, not garbage collection), ms. */
  busyMs: number;
  gcMs: number;
  /** Functions by self time, most first. */
  top: { fn: string; selfMs: number; pct: number }[];
  /** Self time by where the code lives (our packages, kafkajs, mongodb, grpc, node internals). */
  byModule: { module: string; selfMs: number; pct: number }[];
}

const moduleOf = (url: string): string => {
  if (!url) return "(native)";
  if (url.startsWith("node:")) return "node internals";
  const nm = url.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const rest = url.slice(nm + "node_modules/".length).split("/");
    return rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const m = /\/(libs|services)\/([^/]+)\//.exec(url);
  return m
    ? `${m[1]}/${m[2]}`
    : url
        .replace(/^file:\/\//, "")
        .split("/")
        .slice(-2)
        .join("/");
};

/** Self time per function of a V8 `.cpuprofile` (written by `node --cpu-prof`). */
export function summarizeProfile(file: string, root: string, topN = 12): ProfileSummary {
  const p = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  const samples = p.samples ?? [];
  const deltas = p.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const dt = (deltas[i + 1] ?? deltas[i] ?? 0) / 1000;
    self.set(samples[i]!, (self.get(samples[i]!) ?? 0) + dt);
  }
  const fns = new Map<string, number>();
  const modules = new Map<string, number>();
  let idle = 0;
  let gc = 0;
  for (const [id, ms] of self) {
    const n = byId.get(id)!;
    const name = n.callFrame.functionName;
    if (name === "(idle)") {
      idle += ms;
      continue;
    }
    if (name === "(garbage collector)") gc += ms;
    const url = n.callFrame.url.replace(/^file:\/\//, "");
    const where = url ? `${relative(root, url) || url}:${n.callFrame.lineNumber + 1}` : "";
    const key = `${name || "(anonymous)"} ${where}`.trim();
    fns.set(key, (fns.get(key) ?? 0) + ms);
    const mod = name.startsWith("(") ? name : moduleOf(url);
    modules.set(mod, (modules.get(mod) ?? 0) + ms);
  }
  const wallMs = (p.endTime - p.startTime) / 1000;
  const busyMs = wallMs - idle;
  const rank = (m: Map<string, number>) =>
    [...m].sort((a, b) => b[1] - a[1]).map(([k, ms]) => ({ k, selfMs: ms, pct: (ms / Math.max(1, busyMs)) * 100 }));
  return {
    file,
    wallMs,
    busyMs,
    gcMs: gc,
    top: rank(fns)
      .slice(0, topN)
      .map(({ k, selfMs, pct }) => ({ fn: k, selfMs, pct })),
    byModule: rank(modules)
      .slice(0, topN)
      .map(({ k, selfMs, pct }) => ({ module: k, selfMs, pct })),
  };
}

/** The newest `.cpuprofile` in `dir`, if any. */
export function profileIn(dir: string): string | undefined {
  try {
    const files = readdirSync(dir)
      .filter((f) => f.endsWith(".cpuprofile"))
      .sort();
    return files.length ? join(dir, files[files.length - 1]!) : undefined;
  } catch {
    return undefined;
  }
}
