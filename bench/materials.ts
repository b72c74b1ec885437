/**
 * `npm run bench:materials [-- --mb N]`: scanned materials by claim-check (电子材料) against a bare
 * grpc-js server stream of the same bytes, in the same run, over the same mutual TLS. One file of
 * N MB (default 50) is uploaded to Quanzhou's node, cited by a case homed in Xiamen, and fetched,
 * stored and verified by Xiamen's node (both nodes in this process, on the real broker and store).
 * Prints MB/s of each path and their ratio, and how far this process's memory (heap and buffers)
 * rose above its level before the home's fetch while it ran: once as is (garbage included), and
 * sampled after forced GCs (what the fetch holds live) for the N MB file and for one a tenth its
 * size. A streamed fetch holds a few chunks, not the file: the live rise does not grow with the
 * file (their ratio stays near 1, not near 10).
 */
import { createHash, randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Server, type ServiceDefinition, makeGenericClientConstructor } from "@grpc/grpc-js";
import { Network } from "@tongban/config";
import { IntakeServiceClient, type MaterialFile, MaterialServiceClient } from "@tongban/contracts";
import { devPkiCities, sampleSubmission } from "@tongban/demo";
import { defaultPkiDir, devIssuerOf, ensureDevPki, idpFiles, spiffeUri } from "@tongban/identity";
import { createLogger } from "@tongban/log";
import { type RunningNode, startNode } from "@tongban/node";
import { callUnary, callerOf, devTlsSettings, serverCredentialsOf, transportOf } from "@tongban/rpc";
import { kafkaPrincipals, kafkaSettingsAs, provisionNetwork } from "@tongban/runtime";
import { MongoClient } from "mongodb";
import { resolveInfra } from "../deploy/local/infra";

const MB = 1024 * 1024;
const PART = 256 * 1024;

const streamDefinition = {
  stream: {
    path: "/bench.Bytes/Stream",
    requestStream: false,
    responseStream: true,
    requestSerialize: (b: Buffer) => b,
    requestDeserialize: (b: Buffer) => b,
    responseSerialize: (b: Buffer) => b,
    responseDeserialize: (b: Buffer) => b,
  },
} satisfies ServiceDefinition;

export interface MaterialsBenchResult {
  bytes: number;
  /** MB/s of a bare grpc-js server stream of the same bytes (256 KiB messages, mTLS). */
  rawStreamMBps: number;
  /** MB/s of the window's upload to its node (streamed, hashed, stored in chunks). */
  uploadMBps: number;
  /** MB/s from the case's acknowledgement to the home's verified copy (fetch, store, hash). */
  fetchMBps: number;
  /** fetch / raw stream. */
  ratio: number;
  /** Highest rise of heap + array buffers above the level before the timed fetch, in MB (garbage included). */
  fetchMemoryRiseMB: number;
  /** Highest rise sampled after forced GCs: what a fetch of the file holds live. */
  liveMemoryRiseMB: number;
  /** The same for a file a tenth the size, fetched first in the same run. */
  smallFileLiveMemoryRiseMB: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

export async function runMaterialsBench(sizeMB: number): Promise<MaterialsBenchResult> {
  const infra = await resolveInfra();
  const network = Network.load();
  await ensureDevPki(devPkiCities(network.nodes));
  const prefix = `benchmat${Date.now().toString(36)}`;
  const log = createLogger({ service: "bench", level: "warn" });
  await provisionNetwork(
    infra.kafka,
    prefix,
    network.nodes.map((n) => n.id),
    log,
  );
  const file = Buffer.concat([Buffer.from("%PDF-1.7\n"), randomBytes(sizeMB * MB - 9)]);
  const caller = callerOf(transportOf(devTlsSettings("xiamen", "node", "xiamen")), spiffeUri("xiamen", "node", "xiamen"));

  // The raw path: a server stream of the same bytes, same TLS, same message size as a fetch.
  const server = new Server();
  server.addService(streamDefinition, {
    stream: (call: { write: (b: Buffer) => boolean; once: (e: string, f: () => void) => void; end: () => void }) => {
      void (async () => {
        for (let at = 0; at < file.length; at += PART)
          if (!call.write(file.subarray(at, at + PART))) await new Promise<void>((r) => call.once("drain", r));
        call.end();
      })();
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", serverCredentialsOf(transportOf(devTlsSettings("quanzhou", "node", "quanzhou"))), (e, p) =>
      e ? reject(e) : resolve(p),
    ),
  );
  const Bytes = makeGenericClientConstructor(streamDefinition, "Bytes");
  const raw = new Bytes(`localhost:${port}`, caller.credentials, caller.options) as unknown as {
    stream: (req: Buffer) => NodeJS.ReadableStream;
    close: () => void;
  };
  const rawOnce = async () => {
    const t = performance.now();
    let got = 0;
    for await (const part of raw.stream(Buffer.alloc(0)) as AsyncIterable<Buffer>) got += part.length;
    if (got !== file.length) throw new Error(`raw stream gave ${got} bytes`);
    return performance.now() - t;
  };
  await rawOnce();
  const rawMs = Math.min(await rawOnce(), await rawOnce());

  const config = (node: string, extra: Record<string, unknown> = {}) => ({
    ...devTlsSettings(node, "node", node),
    clerkJwks: idpFiles(defaultPkiDir, node).jwks,
    clerkIssuer: devIssuerOf(node),
    node,
    topicPrefix: prefix,
    ...kafkaSettingsAs(infra.kafka, kafkaPrincipals.node(node)),
    mongoUri: infra.mongoUri,
    mongoDb: `${prefix}_${node}`,
    intakePort: 0,
    queuePort: 0,
    metricsPort: 0,
    logLevel: "warn" as const,
    ...extra,
  });
  const nodes: RunningNode[] = [];
  const mongo = new MongoClient(infra.mongoUri, { directConnection: true });
  try {
    const qz = await startNode({ config: config("quanzhou"), network, logger: createLogger({ service: "node", level: "warn" }) });
    nodes.push(qz);
    const xm = await startNode({
      config: config("xiamen", { materialSources: { quanzhou: `localhost:${qz.intakePort}` } }),
      network,
      logger: createLogger({ service: "node", level: "warn" }),
    });
    nodes.push(xm);
    const window = callerOf(transportOf(devTlsSettings("quanzhou", "window", "main")), spiffeUri("quanzhou", "window", "main"));
    const uploads = new MaterialServiceClient(`localhost:${qz.intakePort}`, window.credentials, window.options);
    const intake = new IntakeServiceClient(`localhost:${qz.intakePort}`, window.credentials, window.options);

    /**
     * Uploads `bytes`, cites them in a case homed in Xiamen, waits for the verified copy; times and
     * memory rise. With `live`, each memory sample (every 100 ms) follows a forced GC, so the rise
     * is what the fetch holds, not garbage awaiting collection (and the timing is not used).
     */
    const claimCheck = async (bytes: Buffer, n: number, live: boolean) => {
      const sha256 = createHash("sha256").update(bytes).digest("hex");
      const uploadStarted = performance.now();
      const material = await new Promise<MaterialFile>((resolve, reject) => {
        const call = uploads.uploadMaterial((err, res) => (err ? reject(err) : resolve(res!.file!)));
        call.write({ part: { $case: "header", value: { mediaType: "application/pdf", size: bytes.length, sha256 } } });
        for (let at = 0; at < bytes.length; at += MB) call.write({ part: { $case: "chunk", value: bytes.subarray(at, at + MB) } });
        call.end();
      });
      const uploadMs = performance.now() - uploadStarted;

      const level = () => {
        const m = process.memoryUsage();
        return m.heapUsed + m.arrayBuffers;
      };
      gc?.();
      const before = level();
      let peak = before;
      const sampler = setInterval(
        () => {
          if (live) gc?.();
          peak = Math.max(peak, level());
        },
        live ? 100 : 20,
      );
      const req = sampleSubmission(network.node("quanzhou")!, "xiamen", n);
      req.materials = [{ name: "扫描件", copies: 1, file: material }];
      const fetchStarted = performance.now();
      const { caseId } = await callUnary(intake, intake.submitCase, req, 10_000);
      const files = mongo.db(`${prefix}_xiamen`).collection<{ _id: string; state: string }>("material_files");
      try {
        for (;;) {
          const f = await files.findOne({ _id: `${caseId}/${material.ref}` });
          if (f?.state === "verified") break;
          if (f?.state === "digest_mismatch") throw new Error("the home's copy did not verify");
          if (performance.now() - fetchStarted > 600_000) throw new Error("the home's copy was not verified within 10 minutes");
          await new Promise((r) => setTimeout(r, 50));
        }
      } finally {
        clearInterval(sampler);
      }
      return { uploadMs, fetchMs: performance.now() - fetchStarted, riseMB: (peak - before) / MB };
    };
    const small = await claimCheck(file.subarray(0, Math.ceil(file.length / 10)), 1, true);
    const large = await claimCheck(file, 2, true);
    const { uploadMs, fetchMs, riseMB } = await claimCheck(file, 3, false);
    uploads.close();
    intake.close();

    const mbps = (ms: number) => file.length / MB / (ms / 1000);
    return {
      bytes: file.length,
      rawStreamMBps: mbps(rawMs),
      uploadMBps: mbps(uploadMs),
      fetchMBps: mbps(fetchMs),
      ratio: mbps(fetchMs) / mbps(rawMs),
      fetchMemoryRiseMB: riseMB,
      liveMemoryRiseMB: large.riseMB,
      smallFileLiveMemoryRiseMB: small.riseMB,
    };
  } finally {
    raw.close();
    server.forceShutdown();
    for (const n of nodes.reverse()) await n.stop();
    for (const node of ["quanzhou", "xiamen"])
      await mongo
        .db(`${prefix}_${node}`)
        .dropDatabase()
        .catch(() => undefined);
    await mongo.close();
    await infra.release();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { mb: { type: "string", default: "50" } } });
  const r = await runMaterialsBench(Number(values.mb));
  const f = (x: number, d = 1) => x.toFixed(d);
  console.log(`scanned materials by claim-check, one ${f(r.bytes / MB, 0)} MB file, Quanzhou window → Xiamen home (mTLS both)`);
  console.log(`  bare grpc-js server stream       ${f(r.rawStreamMBps).padStart(8)} MB/s`);
  console.log(`  upload to the window's node      ${f(r.uploadMBps).padStart(8)} MB/s`);
  console.log(`  home fetch + store + verify      ${f(r.fetchMBps).padStart(8)} MB/s   (${f(r.ratio, 3)} of the bare stream)`);
  console.log(
    `  memory rise during the fetch     ${f(r.fetchMemoryRiseMB).padStart(8)} MB   (heap + buffers of this process, both nodes, garbage included)`,
  );
  console.log(
    `  live rise (sampled after GC)     ${f(r.liveMemoryRiseMB).padStart(8)} MB   (${f((100 * r.liveMemoryRiseMB * MB) / r.bytes, 1)} % of the file)`,
  );
  console.log(
    `  same, file a tenth the size      ${f(r.smallFileLiveMemoryRiseMB).padStart(8)} MB   (ratio ${f(r.liveMemoryRiseMB / r.smallFileLiveMemoryRiseMB, 2)}; 10 if it grew with the file)`,
  );
}
