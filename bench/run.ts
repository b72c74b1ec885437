/**
 * `npm run bench [-- --quick] [-- --seconds N]`: end-to-end throughput and latency of the
 * exchange against the raw kafkajs → store pipeline measured in the same run on the same broker
 * and store. Prints a table and writes results/bench-<time>.json.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { resolveInfra } from "../deploy/local/infra";
import { stateDir } from "../deploy/local/paths";
import { runCertsBench } from "./certsVerify";
import { type ProfileSummary, profileIn, summarizeProfile } from "./cpuProfile";
import { type ExchangeBenchResult, runExchangeBench } from "./exchangeLoad";
import type { Templates } from "./prefill";
import { runRawPipeline } from "./rawPipeline";

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    seconds: { type: "string" },
    concurrency: { type: "string" },
    growth: { type: "string" },
    "cpu-prof": { type: "boolean", default: false },
  },
});
// --quick is a smoke run (under a minute): short phases and fewer callers, so the backlog drains fast.
const phaseMs = (values.seconds ? Number(values.seconds) : values.quick ? 4 : 60) * 1000;
const concurrency = Number(values.concurrency ?? (values.quick ? 8 : 64));
const prefix = `bench${Date.now().toString(36)}`;
// The growth run fills each city's store with this many cases first (0: no growth run).
const growthCases = Number(values.growth ?? (values.quick ? 2_000 : 100_000));
const runAt = new Date().toISOString().replace(/[:.]/g, "-");
const resultsDir = join(import.meta.dirname, "..", "results");
const profDir = values["cpu-prof"] ? join(resultsDir, `prof-${runAt}`) : undefined;
/** Pids of the local Kafka and FerretDB, when the provisioner runs them. */
function localInfraPids(): [string, number][] {
  const out: [string, number][] = [];
  for (const name of ["kafka", "ferretdb"]) {
    try {
      out.push([name, Number(readFileSync(join(stateDir, `${name}.pid`), "utf8"))]);
    } catch {
      // Not local.
    }
  }
  return out;
}
const progress = (line: string) => process.stderr.write(`\r\x1b[2K  ${line}`);

const infra = await resolveInfra();
console.log(`infra (${infra.source}): Kafka ${infra.kafka.brokers.join(",")}, store ${infra.mongoUri}; ${phaseMs / 1000} s per phase`);
try {
  console.log("raw pipeline (kafkajs produce → consume → insertMany) …");
  const raw = await runRawPipeline({
    kafka: infra.kafka,
    mongoUri: infra.mongoUri,
    prefix,
    payloadBytes: 700,
    durationMs: phaseMs,
  });
  console.log("exchange (3 nodes, gRPC intake → Kafka → home queue) …");
  let templates: Templates | undefined;
  const exchange = await runExchangeBench({
    kafka: infra.kafka,
    mongoUri: infra.mongoUri,
    prefix,
    phaseMs,
    concurrency,
    progress,
    infraPids: localInfraPids(),
    ...(profDir ? { cpuProfDir: profDir } : {}),
    onTemplates: (t) => (templates = t),
  });
  process.stderr.write("\n");
  const max = exchange.phases[0]!;
  const half = exchange.phases[1]!;
  console.log(`raw pipeline at the exchange's half-max rate (${half.offeredPerSec}/s) …`);
  const rawAtRate = await runRawPipeline({
    kafka: infra.kafka,
    mongoUri: infra.mongoUri,
    prefix,
    payloadBytes: 700,
    durationMs: phaseMs,
    ratePerSec: Number(half.offeredPerSec),
  });

  let growth: ExchangeBenchResult | undefined;
  if (growthCases > 0 && templates) {
    console.log(`growth run: each city's store filled with ${growthCases} cases first …`);
    growth = await runExchangeBench({
      kafka: infra.kafka,
      mongoUri: infra.mongoUri,
      prefix: `${prefix}g`,
      phaseMs,
      concurrency,
      progress,
      infraPids: localInfraPids(),
      prefill: { perCity: growthCases, templates },
      halfRate: Number(half.offeredPerSec),
    });
    process.stderr.write("\n");
  }

  console.log("certificate verification against a bare grpc-js echo …");
  const certs = await runCertsBench({ durationMs: Math.min(phaseMs, 15_000), kafka: infra.kafka, mongoUri: infra.mongoUri });
  const f = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : "-");
  const rows: [string, string][] = [
    ["raw pipeline throughput (msg/s)", f(raw.throughput)],
    ["raw pipeline latency at max rate p50 / p99 (ms)", `${f(raw.latencyMs.p50)} / ${f(raw.latencyMs.p99)}`],
    [`raw pipeline latency at ${half.offeredPerSec}/s p50 / p99 (ms)`, `${f(rawAtRate.latencyMs.p50)} / ${f(rawAtRate.latencyMs.p99)}`],
    ["exchange max throughput (cases/s)", f(max.throughput)],
    ["exchange / raw throughput", `${((max.throughput / raw.throughput) * 100).toFixed(1)} %`],
    // A case is at least two records and two rows (window → home, and back): the raw pipeline's rate halved.
    ["exchange / physical limit of a round trip (raw ÷ 2)", `${((max.throughput / (raw.throughput / 2)) * 100).toFixed(1)} %`],
    ["cases with certificates (1–3 each, verified)", `${(exchange.withCertificates * 100).toFixed(0)} %`],
    [
      "certificate checks at home, by outcome",
      Object.entries(exchange.certificateChecks.outcomes)
        .map(([o, k]) => `${o} ${k}`)
        .join(", ") || "-",
    ],
    ["Kafka records / store rows per case", `${exchange.perCase.kafkaRecords.toFixed(1)} / ${exchange.perCase.storeRows.toFixed(1)}`],
    ...Object.entries(max.cpuMsPerCase).map(([name, ms]): [string, string] => [`CPU ms per case at max rate: ${name}`, f(ms)]),
    [
      "CPU ms per case at max rate: all processes",
      f(Object.values(max.cpuMsPerCase).reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0)),
    ],
    [
      `exchange at half max (${half.offeredPerSec}/s) p50 / p95 / p99 / max (ms)`,
      `${f(half.latencyMs.p50)} / ${f(half.latencyMs.p95)} / ${f(half.latencyMs.p99)} / ${f(half.latencyMs.max)}`,
    ],
    ["exchange p50 / raw p50 latency, same rate", `${(half.latencyMs.p50 / rawAtRate.latencyMs.p50).toFixed(2)}×`],
    ["exchange at max rate p50 / p99 (ms)", `${f(max.latencyMs.p50)} / ${f(max.latencyMs.p99)}`],
    ...exchange.processes.map((p): [string, string] => [`${p.name} peak RSS (MB) / avg CPU (%)`, `${f(p.peakRssMb)} / ${f(p.avgCpuPct)}`]),
    [
      "cases acknowledged / queued / duplicates / lost",
      `${exchange.counts.submitted} / ${exchange.counts.queued} / ${exchange.counts.duplicates} / ${exchange.counts.lost}`,
    ],
    ["submit errors (max, half)", `${max.errors}, ${half.errors}`],
    [
      "certs Verify / bare echo throughput (calls/s)",
      `${f(certs.verify.throughput)} / ${f(certs.echo.throughput)} = ${(certs.ratio.throughput * 100).toFixed(1)} %`,
    ],
    ["certs Verify / bare echo p50 latency (ms)", `${f(certs.verify.p50Ms)} / ${f(certs.echo.p50Ms)}`],
    [
      "node start-up, empty store (s)",
      Object.entries(exchange.startupSeconds)
        .map(([c, sec]) => `${c} ${f(sec)}`)
        .join(", "),
    ],
    ...(growth ? growthRows(growth) : []),
  ];
  const width = Math.max(...rows.map((r) => r[0].length));
  console.log("\nTongban Exchange benchmark");
  for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);

  const profiles = profDir ? printProfiles(profDir) : undefined;
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `bench-${runAt}.json`);
  writeFileSync(
    file,
    JSON.stringify({ at: new Date().toISOString(), phaseMs, raw, rawAtRate, exchange, growth, certs, profiles }, null, 2),
  );
  console.log(`\nresults: ${file}`);
  const runs = [exchange, ...(growth ? [growth] : [])];
  if (runs.some((r) => r.counts.lost !== 0 || r.counts.duplicates !== 0 || r.counts.queued !== r.counts.submitted)) {
    console.error("counts do not match: cases were lost or duplicated");
    process.exitCode = 1;
  }
} finally {
  await infra.release();
}

/** The growth run beside the empty-store run of the same invocation. */
function growthRows(g: ExchangeBenchResult): [string, string][] {
  const f = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : "-");
  const [gMax, gHalf] = [g.phases[0]!, g.phases[1]!];
  return [
    [`growth: store filled with (cases per city, s to fill)`, `${g.prefill.perCity}, ${f(g.prefill.seconds)}`],
    [
      "growth: node start-up (s)",
      Object.entries(g.startupSeconds)
        .map(([c, sec]) => `${c} ${f(sec)}`)
        .join(", "),
    ],
    [`growth: max throughput (cases/s), p50 / p99 (ms)`, `${f(gMax.throughput)}, ${f(gMax.latencyMs.p50)} / ${f(gMax.latencyMs.p99)}`],
    [
      `growth: at ${gHalf.offeredPerSec}/s p50 / p95 / p99 (ms)`,
      `${f(gHalf.latencyMs.p50)} / ${f(gHalf.latencyMs.p95)} / ${f(gHalf.latencyMs.p99)}`,
    ],
    [
      "growth: acknowledged / queued / duplicates / lost",
      `${g.counts.submitted} / ${g.counts.queued} / ${g.counts.duplicates} / ${g.counts.lost}`,
    ],
  ];
}

/** Prints where each service process spent its CPU (from `--cpu-prof`), heaviest functions first. */
function printProfiles(dir: string): Record<string, ProfileSummary> {
  const out: Record<string, ProfileSummary> = {};
  for (const name of readdirSync(dir).sort()) {
    const file = profileIn(join(dir, name));
    if (!file) continue;
    const p = summarizeProfile(file, join(import.meta.dirname, ".."));
    out[name] = p;
    console.log(
      `\nCPU profile ${name}: busy ${(p.busyMs / 1000).toFixed(1)} s of ${(p.wallMs / 1000).toFixed(1)} s, GC ${(p.gcMs / 1000).toFixed(1)} s`,
    );
    console.log(`  by module: ${p.byModule.map((m) => `${m.module} ${m.pct.toFixed(0)} %`).join(", ")}`);
    for (const t of p.top) console.log(`  ${t.pct.toFixed(1).padStart(5)} %  ${t.fn}`);
  }
  return out;
}
