/**
 * `npm run bench:certs [-- --seconds N] [-- --concurrency C]`: throughput and latency of the
 * certificate registry's Verify (access check, purpose check, lookup, hash-chained audit insert)
 * against a bare grpc-js unary echo server on 127.0.0.1, measured in the same run on the same
 * machine, with the same request bytes, the same number of callers and the same mutual TLS (the
 * registry's identity on both servers, the Xiamen node's on both clients). Prints both and their ratio.
 */
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { type Client, Server, type ServiceDefinition, makeGenericClientConstructor } from "@grpc/grpc-js";
import { type RunningCerts, startCerts } from "@tongban/certs";
import { Network } from "@tongban/config";
import { CertificateRegistryServiceClient, VerifyRequest } from "@tongban/contracts";
import { demoCertificates, devPkiCities } from "@tongban/demo";
import { ensureDevPki, spiffeUri } from "@tongban/identity";
import { createLogger } from "@tongban/log";
import { callUnary, callerOf, devTlsSettings, serverCredentialsOf, transportOf } from "@tongban/rpc";
import { type KafkaAccess, kafkaPrincipals, kafkaSettingsAs, provisionNetwork } from "@tongban/runtime";
import { resolveInfra } from "../deploy/local/infra";
import { percentiles } from "./stats";

export interface LoadFigures {
  calls: number;
  errors: number;
  /** Calls per second. */
  throughput: number;
  p50Ms: number;
  p99Ms: number;
}

export interface CertsBenchResult {
  durationMs: number;
  concurrency: number;
  requestBytes: number;
  echo: LoadFigures;
  verify: LoadFigures;
  /** verify / echo: throughput (below 1 is slower) and latency (above 1 is slower). */
  ratio: { throughput: number; p50: number; p99: number };
  /** The audit chain written under load, checked afterwards. */
  audit: { records: number; chainOk: boolean };
}

export interface CertsBenchOptions {
  durationMs: number;
  concurrency?: number;
  /** Defaults to the local infrastructure (env → Docker → local processes). */
  kafka?: KafkaAccess;
  mongoUri?: string;
}

const echoDefinition = {
  echo: {
    path: "/bench.Echo/Echo",
    requestStream: false,
    responseStream: false,
    requestSerialize: (b: Buffer) => b,
    requestDeserialize: (b: Buffer) => b,
    responseSerialize: (b: Buffer) => b,
    responseDeserialize: (b: Buffer) => b,
  },
} satisfies ServiceDefinition;

type EchoClient = Client & { echo: (req: Buffer, md: never, opts: { deadline: Date }, cb: (e: unknown, r: Buffer) => void) => void };

/** Closed loop: `concurrency` callers call back to back for `durationMs`. */
async function load(durationMs: number, concurrency: number, call: () => Promise<unknown>): Promise<LoadFigures> {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const until = started + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const t = performance.now();
        try {
          await call();
          latencies.push(performance.now() - t);
        } catch {
          errors++;
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const p = percentiles(latencies);
  return { calls: latencies.length, errors, throughput: latencies.length / elapsed, p50Ms: p.p50, p99Ms: p.p99 };
}

/** Runs the echo phase, then the verify phase, each for `durationMs` (plus a short warm-up). */
export async function runCertsBench(opts: CertsBenchOptions): Promise<CertsBenchResult> {
  const concurrency = opts.concurrency ?? 32;
  const infra = opts.kafka && opts.mongoUri ? undefined : await resolveInfra();
  const kafka = opts.kafka ?? infra!.kafka;
  const mongoUri = opts.mongoUri ?? infra!.mongoUri;
  const network = Network.load();
  await ensureDevPki(devPkiCities(network.nodes));
  const serverTls = devTlsSettings("quanzhou", "registry", "quanzhou");
  // Xiamen's node asks Quanzhou's registry, as its intake does.
  const caller = callerOf(transportOf(devTlsSettings("xiamen", "node", "xiamen")), spiffeUri("xiamen", "node", "xiamen"));
  const prefix = `benchcerts${Date.now().toString(36)}`;
  const cert = demoCertificates(network.nodes).find((c) => c.registryNode === "quanzhou" && c.status === "valid")!;
  const request: VerifyRequest = {
    purpose: { caseId: "01BENCH0000000000000000000", itemCode: "TB-2020-010", requestingNode: "", operator: "bench-clerk" },
    query: { certificateId: cert.certificateId, number: cert.number, holderName: cert.holderName, holderIdNumber: cert.holderId },
  };
  const bytes = Buffer.from(VerifyRequest.encode(request).finish());

  const echoServer = new Server();
  echoServer.addService(echoDefinition, { echo: (call: { request: Buffer }, cb: (e: null, r: Buffer) => void) => cb(null, call.request) });
  const echoPort = await new Promise<number>((resolve, reject) =>
    echoServer.bindAsync("127.0.0.1:0", serverCredentialsOf(transportOf(serverTls)), (e, p) => (e ? reject(e) : resolve(p))),
  );
  const Echo = makeGenericClientConstructor(echoDefinition, "Echo");
  const echo = new Echo(`localhost:${echoPort}`, caller.credentials, caller.options) as unknown as EchoClient;

  let certs: RunningCerts | undefined;
  let client: CertificateRegistryServiceClient | undefined;
  try {
    // The provisioner's work: the registry only requires its topics.
    await provisionNetwork(
      kafka,
      prefix,
      network.nodes.map((n) => n.id),
      createLogger({ service: "bench", level: "warn" }),
    );
    certs = await startCerts({
      config: {
        node: "quanzhou",
        topicPrefix: prefix,
        ...kafkaSettingsAs(kafka, kafkaPrincipals.registry("quanzhou")),
        mongoUri,
        mongoDb: `${prefix}_quanzhou`,
        certsPort: 0,
        seedDemo: true,
        ...serverTls,
        logLevel: "warn",
      },
      network,
      logger: createLogger({ service: "certs", level: "warn" }),
    });
    client = new CertificateRegistryServiceClient(`localhost:${certs.port}`, caller.credentials, caller.options);
    const c = client;
    const echoCall = () => callUnary(echo, echo.echo as never, bytes, 5_000);
    const verifyCall = () => callUnary(c, c.verify, request, 5_000);
    const warmMs = Math.min(2_000, opts.durationMs / 4);

    await load(warmMs, concurrency, echoCall);
    const echoFigures = await load(opts.durationMs, concurrency, echoCall);
    await load(warmMs, concurrency, verifyCall);
    const verifyFigures = await load(opts.durationMs, concurrency, verifyCall);

    const chain = await certs.registry.verifyAuditChain();
    return {
      durationMs: opts.durationMs,
      concurrency,
      requestBytes: bytes.length,
      echo: echoFigures,
      verify: verifyFigures,
      ratio: {
        throughput: verifyFigures.throughput / echoFigures.throughput,
        p50: verifyFigures.p50Ms / echoFigures.p50Ms,
        p99: verifyFigures.p99Ms / echoFigures.p99Ms,
      },
      audit: { records: chain.checked, chainOk: chain.ok },
    };
  } finally {
    echo.close();
    client?.close();
    echoServer.forceShutdown();
    if (certs) {
      await certs.store.docs.db.dropDatabase().catch(() => undefined);
      await certs.stop();
    }
    await infra?.release();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { seconds: { type: "string", default: "10" }, concurrency: { type: "string", default: "32" } } });
  const r = await runCertsBench({ durationMs: Number(values.seconds) * 1000, concurrency: Number(values.concurrency) });
  const f = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : "-");
  console.log(
    `certificate Verify vs bare grpc-js unary echo, both over mTLS (${r.concurrency} callers, ${r.durationMs / 1000} s each, ${r.requestBytes} B request)`,
  );
  console.log(`                      throughput/s    p50 ms    p99 ms   calls  errors`);
  for (const [name, x] of [
    ["grpc-js echo", r.echo],
    ["certs Verify", r.verify],
  ] as const) {
    console.log(
      `  ${name.padEnd(18)} ${f(x.throughput).padStart(12)} ${f(x.p50Ms, 2).padStart(9)} ${f(x.p99Ms, 2).padStart(9)} ${String(x.calls).padStart(7)} ${String(x.errors).padStart(7)}`,
    );
  }
  console.log(`  ratio verify/echo  throughput ${f(r.ratio.throughput, 3)} · p50 ${f(r.ratio.p50, 2)}× · p99 ${f(r.ratio.p99, 2)}×`);
  console.log(`  audit chain after the run: ${r.audit.records} records, ${r.audit.chainOk ? "intact" : "BROKEN"}`);
}
