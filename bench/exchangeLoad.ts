import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import type { Metadata } from "@grpc/grpc-js";
import { homeDepartment } from "@tongban/catalog";
import { kafkaConfig } from "@tongban/bus";
import { Network } from "@tongban/config";
import { AuthorityQueueServiceClient, IntakeServiceClient, VerificationOutcome, type WatchQueueResponse } from "@tongban/contracts";
import { type DemoCertificate, demoCertificates, devPkiCities, eligibleItems, sampleSubmission } from "@tongban/demo";
import { type Role, defaultPkiDir, devIssuerOf, ensureDevPki, idpFiles, signDevToken, spiffeUri } from "@tongban/identity";
import { createLogger } from "@tongban/log";
import { type Caller, bearer, callUnary, callerOf, checkHealth, devTlsSettings, transportOf } from "@tongban/rpc";
import { type KafkaAccess, busConnectionAs, kafkaEnvAs, kafkaPrincipals, networkTopicSpecs, provisionNetwork } from "@tongban/runtime";
import { Kafka, logLevel } from "kafkajs";
import { MongoClient } from "mongodb";
import { buildServices, serviceNodeArgs } from "../deploy/build";
import { freePort } from "../deploy/local/localProcess";
import { type Templates, captureTemplates, prefillStores } from "./prefill";
import { ProcSampler } from "./procStats";
import { type Percentiles, percentiles } from "./stats";

const repoRoot = join(import.meta.dirname, "..");

export interface PhaseResult {
  name: string;
  /** CPU milliseconds each sampled process spent per case made visible in this phase (drain included). */
  cpuMsPerCase: Record<string, number>;
  offeredPerSec: number | "max";
  submitted: number;
  visible: number;
  seconds: number;
  throughput: number;
  latencyMs: Percentiles;
  errors: number;
}

export interface ExchangeBenchResult {
  phases: PhaseResult[];
  processes: { name: string; peakRssMb: number; avgCpuPct: number }[];
  counts: { submitted: number; queued: number; duplicates: number; lost: number };
  /** Share of submitted cases that referenced certificates (1–3 each, verified with the registries). */
  withCertificates: number;
  /** Home-side cases with certificate checks, those whose every check came back VALID, and the checks by outcome. */
  certificateChecks: { cases: number; allValid: number; outcomes: Record<string, number> };
  /** Kafka records on the network's topics and store documents in the cities' databases, per acknowledged case. */
  perCase: { kafkaRecords: number; storeRows: number };
  /** Seconds from spawning each node until its queue answered SERVING (it reads its store's case ids first). */
  startupSeconds: Record<string, number>;
  /** Cases each city's store held before the first submission, and how long filling it took. */
  prefill: { perCity: number; seconds: number };
}

interface City {
  id: string;
  proc: ChildProcess;
  intake: IntakeServiceClient;
  queue: AuthorityQueueServiceClient;
}

const callerAs = (city: string, role: Role, name = "main"): Caller =>
  callerOf(transportOf(devTlsSettings(city, role, name)), spiffeUri(city, role, name));

/** A clerk token of each department that is the home of some case the bench sends to `city` (a watch stream each). */
async function clerksOf(city: string): Promise<Metadata[]> {
  const depts = [...new Set(eligibleItems(city).map((i) => homeDepartment(i.code, city)!.code))];
  return Promise.all(
    depts.map(async (department) =>
      bearer(await signDevToken(defaultPkiDir, { city, id: `bench-${department}`, department, roles: ["clerk"] })),
    ),
  );
}

/**
 * End-to-end load through the real exchange: one node process per city, window systems in all
 * three cities submitting realistic cases over gRPC to every other city, and the time each case
 * becomes visible in its home queue (observed on the queue's WatchQueue stream).
 */
export async function runExchangeBench(opts: {
  kafka: KafkaAccess;
  mongoUri: string;
  prefix: string;
  phaseMs: number;
  concurrency: number;
  progress: (line: string) => void;
  /** Broker and store processes to sample as well, when they run locally. */
  infraPids?: [string, number][];
  /** Where each service process writes its V8 CPU profile (`--cpu-prof`), one folder per process. */
  cpuProfDir?: string;
  /** Fill each city's store with this many cases cloned from `templates` before the nodes start. */
  prefill?: { perCity: number; templates: Templates };
  /** Offered rate of the second phase (default: half of the first phase's throughput). */
  halfRate?: number;
  /** Keep a case of each role per city, to fill the stores of a later run with. */
  onTemplates?: (t: Templates) => void;
}): Promise<ExchangeBenchResult> {
  const network = Network.load();
  await provisionNetwork(
    opts.kafka,
    opts.prefix,
    network.nodes.map((n) => n.id),
    createLogger({ service: "bench", level: "warn" }),
  );

  // Every process and client with its identity of the development PKI, as under `npm start`.
  await ensureDevPki(devPkiCities(network.nodes));
  // The services run built (dist/), rebuilt from the current sources.
  await buildServices();
  const dbOf = (city: string) => `${opts.prefix}_${city}`;
  const prefillStarted = performance.now();
  const prefilledRows = opts.prefill
    ? await prefillStores(opts.mongoUri, dbOf, opts.prefill.templates, opts.prefill.perCity, opts.progress)
    : 0;
  const prefillSeconds = (performance.now() - prefillStarted) / 1000;
  /** A city's service as its own process, on the run's topics and database, with its identity. */
  const spawnService = (script: string, city: string, role: "node" | "registry", env: Record<string, string>): ChildProcess => {
    const tls = devTlsSettings(city, role, city);
    const profile = opts.cpuProfDir ? ["--cpu-prof", `--cpu-prof-dir=${join(opts.cpuProfDir, `${role}-${city}`)}`] : [];
    return spawn(process.execPath, [...profile, ...serviceNodeArgs(script)], {
      cwd: repoRoot,
      env: {
        ...process.env,
        TONGBAN_NODE: city,
        TONGBAN_TOPIC_PREFIX: opts.prefix,
        ...kafkaEnvAs(opts.kafka, role === "node" ? kafkaPrincipals.node(city) : kafkaPrincipals.registry(city)),
        MONGODB_URI: opts.mongoUri,
        MONGODB_DB: `${opts.prefix}_${city}`,
        LOG_LEVEL: "warn",
        GRPC_TLS_CERT: tls.grpcTlsCert!,
        GRPC_TLS_KEY: tls.grpcTlsKey!,
        GRPC_TLS_CA: tls.grpcTlsCa!,
        ...env,
      },
      stdio: ["ignore", "ignore", "inherit"],
    });
  };
  // Each city's certificate registry (seeded with the demo certificates), as under `npm start`:
  // half of the cases reference certificates, so verification is on the measured path.
  const registries: { id: string; proc: ChildProcess; port: number }[] = [];
  for (const node of network.nodes) {
    const port = await freePort();
    const proc = spawnService("services/certs/src/main.ts", node.id, "registry", {
      CERTS_GRPC_PORT: String(port),
      CERTS_SEED_DEMO: "true",
    });
    registries.push({ id: node.id, proc, port });
  }
  for (const r of registries) {
    const deadline = Date.now() + 60_000;
    while ((await checkHealth(`localhost:${r.port}`, callerAs(r.id, "operator"), "tongban.v1.CertificateRegistryService")) !== "SERVING") {
      if (Date.now() > deadline || r.proc.exitCode !== null) throw new Error(`registry ${r.id} did not start`);
      await new Promise((res) => setTimeout(res, 200));
    }
  }
  const certsTargets = registries.map((r) => `${r.id}=localhost:${r.port}`).join(",");

  const cities: City[] = [];
  const startupSeconds: Record<string, number> = {};
  for (const node of network.nodes) {
    const [intakePort, queuePort] = [await freePort(), await freePort()];
    const spawnedAt = performance.now();
    const proc = spawnService("services/node/src/main.ts", node.id, "node", {
      INTAKE_GRPC_PORT: String(intakePort),
      QUEUE_GRPC_PORT: String(queuePort),
      CLERK_JWKS: idpFiles(defaultPkiDir, node.id).jwks,
      CLERK_TOKEN_ISSUER: devIssuerOf(node.id),
      CERTS_TARGETS: certsTargets,
    });
    // The city's window submits; its authority system watches the queue. "localhost": TLS may not name an IP address (RFC 6066).
    const window = callerAs(node.id, "window");
    const authority = callerAs(node.id, "authority");
    cities.push({
      id: node.id,
      proc,
      intake: new IntakeServiceClient(`localhost:${intakePort}`, window.credentials, window.options),
      queue: new AuthorityQueueServiceClient(`localhost:${queuePort}`, authority.credentials, authority.options),
    });
    const deadline = Date.now() + 300_000;
    while ((await checkHealth(`localhost:${queuePort}`, callerAs(node.id, "operator"), "tongban.v1.AuthorityQueueService")) !== "SERVING") {
      if (Date.now() > deadline || proc.exitCode !== null) throw new Error(`node ${node.id} did not start (exit ${proc.exitCode})`);
      await new Promise((r) => setTimeout(r, 200));
    }
    startupSeconds[node.id] = (performance.now() - spawnedAt) / 1000;
  }

  const visibleAt = new Map<string, number>();
  // A clerk sees only their department's queue: one stream per department that receives cases.
  const streams = (
    await Promise.all(
      cities.map(async (c) =>
        (await clerksOf(c.id)).map((clerk) => {
          const s = c.queue.watchQueue({ department: "" }, clerk);
          s.on("data", (m: WatchQueueResponse) => {
            const id = m.item?.case?.caseId;
            if (id && m.change === "created" && !visibleAt.has(id)) visibleAt.set(id, performance.now());
          });
          s.on("error", () => undefined);
          return s;
        }),
      ),
    )
  ).flat();
  const sampler = new ProcSampler(
    new Map([
      ...cities.map((c): [string, number] => [`node-${c.id}`, c.proc.pid!]),
      ...registries.map((r): [string, number] => [`certs-${r.id}`, r.proc.pid!]),
      ...(opts.infraPids ?? []),
    ]),
  );
  sampler.start();

  const pairs = cities.flatMap((a) => cities.filter((b) => b !== a).map((b) => [a, b] as const));
  const holders = certificatesByHolder(demoCertificates(network.nodes));
  let n = 0;
  let errors = 0;
  let withCertificates = 0;
  const repliedAt = new Map<string, number>();
  /** The home city of each acknowledged case. */
  const homeOf = new Map<string, string>();
  const submitOne = async () => {
    const i = n++;
    const [from, to] = pairs[i % pairs.length]!;
    // Every other case references 1–3 certificates of one holder, who is then the applicant.
    const certificates = i % 2 === 0 ? [] : holders[Math.floor(i / 2) % holders.length]!.slice(0, 1 + (Math.floor(i / 2) % 3));
    if (certificates.length > 0) withCertificates++;
    try {
      const res = await callUnary(
        from.intake,
        from.intake.submitCase,
        sampleSubmission(network.node(from.id)!, to.id, i, `B${opts.prefix.slice(-6)}`, { certificates }),
        10_000,
      );
      repliedAt.set(res.caseId, performance.now());
      homeOf.set(res.caseId, to.id);
    } catch {
      errors++;
    }
  };

  const phase = async (name: string, offered: number | "max"): Promise<PhaseResult> => {
    const startCount = repliedAt.size;
    const startErrors = errors;
    const ids = new Set<string>();
    const before = new Set(repliedAt.keys());
    const cpuBefore = sampler.cpuSeconds();
    const started = performance.now();
    const until = started + opts.phaseMs;
    const tick = setInterval(() => {
      const mine = [...repliedAt.keys()].filter((k) => !before.has(k));
      opts.progress(`${name}: submitted ${mine.length}, visible ${mine.filter((k) => visibleAt.has(k)).length}`);
    }, 1000);
    if (offered === "max") {
      await Promise.all(
        Array.from({ length: opts.concurrency }, async () => {
          while (performance.now() < until) await submitOne();
        }),
      );
    } else {
      const inflight: Promise<void>[] = [];
      const interval = 1000 / offered;
      let next = started;
      while (performance.now() < until) {
        while (next <= performance.now()) {
          inflight.push(submitOne());
          next += interval;
        }
        await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
      }
      await Promise.all(inflight);
    }
    for (const k of repliedAt.keys()) if (!before.has(k)) ids.add(k);
    // Drain fully, so the next phase starts on an empty pipeline; give up only when nothing moves for 60 s.
    let seen = -1;
    let stalledSince = performance.now();
    for (;;) {
      const pending = [...ids].filter((k) => !visibleAt.has(k)).length;
      if (pending === 0) break;
      if (pending !== seen) {
        seen = pending;
        stalledSince = performance.now();
      } else if (performance.now() - stalledSince > 60_000) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    clearInterval(tick);
    const cpuAfter = sampler.cpuSeconds();
    const lastVisible = Math.max(...[...ids].map((k) => visibleAt.get(k) ?? 0));
    const visible = [...ids].filter((k) => visibleAt.has(k));
    const seconds = (lastVisible - started) / 1000;
    const cpuMsPerCase = Object.fromEntries(
      [...cpuAfter].map(([proc, sec]) => [proc, ((sec - (cpuBefore.get(proc) ?? NaN)) * 1000) / Math.max(1, visible.length)]),
    );
    return {
      name,
      cpuMsPerCase,
      offeredPerSec: offered,
      submitted: repliedAt.size - startCount,
      visible: visible.length,
      seconds,
      throughput: visible.length / seconds,
      latencyMs: percentiles(visible.map((k) => visibleAt.get(k)! - repliedAt.get(k)!)),
      errors: errors - startErrors,
    };
  };

  const phases: PhaseResult[] = [];
  try {
    const max = await phase("max rate", "max");
    phases.push(max);
    phases.push(await phase("half of max", opts.halfRate ?? Math.max(1, Math.round(max.throughput / 2))));
  } finally {
    sampler.stop();
    for (const s of streams) s.cancel();
  }

  // Counts straight from the home nodes' stores, each acknowledged case looked up by its id (a
  // filter on any other field would scan a growth run's 100,000 cases per city on FerretDB): queued
  // once under its own receipt, with its certificate checks. A second case for one receipt cannot
  // exist (the unique receipt index), so a duplicate would show as two acknowledged ids with the
  // same receipt.
  const mongo = new MongoClient(opts.mongoUri);
  await mongo.connect();
  let queued = 0;
  const receipts = new Set<string>();
  const certificateChecks = { cases: 0, allValid: 0, outcomes: {} as Record<string, number> };
  type HomeDoc = { _id: string; role: string; receiptKey: string; certificateChecks?: { outcome: VerificationOutcome }[] };
  const ids = [...homeOf.entries()];
  for (let i = 0; i < ids.length; i += 64) {
    const docs = await Promise.all(
      ids.slice(i, i + 64).map(([id, city]) =>
        mongo
          .db(dbOf(city))
          .collection<HomeDoc>("cases")
          .findOne({ _id: id }, { projection: { _id: 1, role: 1, receiptKey: 1, certificateChecks: 1 } }),
      ),
    );
    for (const d of docs) {
      if (!d || d.role !== "home") continue;
      queued++;
      receipts.add(d.receiptKey);
      if (!d.certificateChecks?.length) continue;
      certificateChecks.cases++;
      for (const k of d.certificateChecks) {
        const name = VerificationOutcome[k.outcome]?.replace("VERIFICATION_OUTCOME_", "") ?? String(k.outcome);
        certificateChecks.outcomes[name] = (certificateChecks.outcomes[name] ?? 0) + 1;
      }
      if (d.certificateChecks.every((k) => k.outcome === VerificationOutcome.VERIFICATION_OUTCOME_VALID)) certificateChecks.allValid++;
    }
  }
  const distinct = receipts.size;
  const acknowledged = new Set(repliedAt.keys());
  // What a case costs the broker and the store: records on the network's topics, documents in the
  // cities' databases (the demo certificates themselves left out).
  let storeRows = -prefilledRows;
  for (const c of cities) {
    const db = mongo.db(dbOf(c.id));
    for (const coll of await db.listCollections({}, { nameOnly: true }).toArray()) {
      // The count command without a filter: no documents decoded.
      if (coll.name !== "certificates") storeRows += await db.collection(coll.name).estimatedDocumentCount();
    }
  }
  const kafkaRecords = await recordsOnTopics(
    opts.kafka,
    networkTopicSpecs(
      opts.prefix,
      cities.map((c) => c.id),
    ).map((t) => t.topic),
  );
  for (const c of cities) {
    c.intake.close();
    c.queue.close();
    c.proc.kill("SIGTERM");
    await new Promise((r) => c.proc.once("exit", r));
  }
  for (const r of registries) {
    r.proc.kill("SIGTERM");
    await new Promise((res) => r.proc.once("exit", res));
  }
  if (opts.onTemplates)
    opts.onTemplates(
      await captureTemplates(
        mongo,
        dbOf,
        cities.map((c) => c.id),
      ),
    );
  for (const c of cities) await mongo.db(dbOf(c.id)).dropDatabase();
  await mongo.close();

  return {
    phases,
    processes: sampler.summary(),
    counts: { submitted: acknowledged.size, queued, duplicates: queued - distinct, lost: acknowledged.size - distinct },
    withCertificates: withCertificates / Math.max(1, n),
    certificateChecks,
    perCase: { kafkaRecords: kafkaRecords / Math.max(1, acknowledged.size), storeRows: storeRows / Math.max(1, acknowledged.size) },
    startupSeconds,
    prefill: { perCity: opts.prefill?.perCity ?? 0, seconds: prefillSeconds },
  };
}

/** The demo certificates grouped by holder, holders with the most certificates first. */
function certificatesByHolder(certs: readonly DemoCertificate[]): DemoCertificate[][] {
  const by = new Map<string, DemoCertificate[]>();
  for (const c of certs) by.set(c.holderId, [...(by.get(c.holderId) ?? []), c]);
  return [...by.values()].sort((a, b) => b.length - a.length);
}

/** Records on the network's topics (the sum of the partitions' end offsets; the raw pipeline's topic is not one). */
async function recordsOnTopics(access: KafkaAccess, topics: string[]): Promise<number> {
  const kafka = new Kafka({ ...kafkaConfig(busConnectionAs(access, kafkaPrincipals.admin, "bench-offsets")), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    let total = 0;
    for (const topic of topics) {
      for (const p of await admin.fetchTopicOffsets(topic)) total += Number(p.high) - Number(p.low);
    }
    return total;
  } finally {
    await admin.disconnect();
  }
}
