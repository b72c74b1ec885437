import { fileURLToPath } from "node:url";
import { Bus } from "@tongban/bus";
import { type ConfigOf, type Network, commonKeys } from "@tongban/config";
import { CertificateRegistryServiceService, type IdGenerator, topics, ulidGenerator } from "@tongban/contracts";
import { demoCertificates } from "@tongban/demo";
import type { Logger } from "@tongban/log";
import { type RunningGrpcServer, startGrpcServer } from "@tongban/rpc";
import { CERTS_MAX_RECEIVE_BYTES } from "@tongban/bounds";
import {
  HealthMonitor,
  accessAudit,
  busConnection,
  dbNameOf,
  healthKeys,
  runMain,
  signingKeys,
  startCityService,
  trustOf,
} from "@tongban/runtime";
import { KeyedMutex, OutboxRelay, connectMongo, storeReachable } from "@tongban/store";
import { z } from "zod";
import { AuditAnchors } from "./auditAnchors";
import { AuditLog } from "./auditLog";
import { CERTIFICATES, CertificateStore } from "./certificateStore";
import { Registry } from "./registry";
import { registryGrpc } from "./registryGrpc";

export const certsConfigSpec = {
  ...commonKeys,
  ...healthKeys,
  ...signingKeys,
  certsPort: {
    env: "CERTS_GRPC_PORT",
    doc: "certificate registry API port; default from deploy/network.json, 0 picks a free one",
    schema: z.coerce.number().int().min(0).optional(),
  },
  seedDemo: {
    env: "CERTS_SEED_DEMO",
    doc: "load the demo certificates of this city when the registry is empty",
    schema: z
      .enum(["true", "false", "1", "0"])
      .default("true")
      .transform((v) => v === "true" || v === "1"),
  },
  recordCacheMs: {
    env: "CERTS_RECORD_CACHE_MS",
    doc: "how long the registry reuses a certificate record it read (its own revocations take effect at once); 0 reads every time",
    schema: z.coerce.number().int().min(0).default(2_000),
  },
  mismatchLimit: {
    env: "CERTS_MISMATCH_LIMIT",
    doc:
      "holder-mismatch answers one caller identity (a node, i.e. a whole city's intake) may get within CERTS_MISMATCH_WINDOW_MS; " +
      "beyond it every lookup from that caller is refused with RESOURCE_EXHAUSTED until the window frees up (a batch counts each " +
      "mismatch, and one that would overshoot is refused whole), so the registry cannot be used to guess holders",
    schema: z.coerce.number().int().min(1).default(100),
  },
  mismatchWindowMs: {
    env: "CERTS_MISMATCH_WINDOW_MS",
    doc: "sliding window of CERTS_MISMATCH_LIMIT, in milliseconds",
    schema: z.coerce.number().int().min(1).default(600_000),
  },
  anchorIntervalMs: {
    env: "CERTS_ANCHOR_INTERVAL_MS",
    doc: "how often the registry signs its audit chain head and publishes it on the anchors topic (when the chain grew)",
    schema: z.coerce.number().int().min(50).default(60_000),
  },
  mismatchCallers: {
    env: "CERTS_MISMATCH_CALLERS",
    doc: "caller identities whose mismatch answers are tracked at once (bounds memory); beyond it an idle one is forgotten first",
    schema: z.coerce.number().int().min(1).default(10_000),
  },
};
export type CertsServiceConfig = ConfigOf<typeof certsConfigSpec>;

export interface CertsOptions {
  config?: Partial<CertsServiceConfig>;
  network?: Network;
  now?: () => Date;
  ids?: IdGenerator;
  logger?: Logger;
}

export interface RunningCerts {
  nodeId: string;
  port: number;
  address: string;
  log: Logger;
  registry: Registry;
  audit: AuditLog;
  anchors: AuditAnchors;
  store: CertificateStore;
  relay: OutboxRelay;
  stop(): Promise<void>;
}

/**
 * Composition root of a city's certificate registry (证照库): config → logger → store and Kafka →
 * gRPC API. It owns the `certificates` and `cert_audit` collections of the node's database and
 * never writes the node's cases; revocations leave through the certificates' outbox.
 */
export async function startCerts(opts: CertsOptions = {}): Promise<RunningCerts> {
  // Configuration, network, logger, TLS and signing key, each refused with a clear message before anything connects.
  const { cfg, network, node, log, transport, signer } = startCityService(certsConfigSpec, opts, "certs", "registry");
  const now = opts.now ?? (() => new Date());
  const ids = opts.ids ?? ulidGenerator;

  const bus = new Bus(busConnection(cfg, `tongban-certs-${node.id}`), log);
  await bus.requireTopics([topics.certsRevoked(cfg.topicPrefix), topics.certsAnchors(cfg.topicPrefix)]);
  const mongo = await connectMongo(cfg.mongoUri, dbNameOf(cfg));
  const lock = new KeyedMutex();
  const store = await CertificateStore.open(mongo.db, lock, cfg.recordCacheMs);
  if (cfg.seedDemo) {
    const added = await store.seedIfEmpty(demoCertificates(network.nodes).filter((c) => c.registryNode === node.id));
    if (added > 0) log.info({ added }, "demo certificates loaded");
  }
  const audit = AuditLog.open(mongo.db);
  const relay = new OutboxRelay(mongo.db.collection(CERTIFICATES), (records) => bus.publish(records), log.child({ component: "outbox" }), {
    lock,
  });
  relay.start();
  const anchors = new AuditAnchors({
    bus,
    audit,
    signer,
    trust: trustOf(network),
    registryNode: node.id,
    topicPrefix: cfg.topicPrefix,
    intervalMs: cfg.anchorIntervalMs,
    now,
    log: log.child({ component: "anchors" }),
  });
  anchors.start();
  const registry = new Registry({
    nodeId: node.id,
    topicPrefix: cfg.topicPrefix,
    knownNodes: network.nodes.map((n) => n.id),
    store,
    audit,
    now,
    ids,
    signer,
    anchors,
    onOutbox: (certificateId) => relay.kick(certificateId),
    mismatchLimits: { limit: cfg.mismatchLimit, windowMs: cfg.mismatchWindowMs, maxCallers: cfg.mismatchCallers },
  });
  const accessLog = log.child({ component: "access" });

  const server: RunningGrpcServer = await startGrpcServer({
    host: cfg.grpcHost,
    maxReceiveMessageBytes: CERTS_MAX_RECEIVE_BYTES,
    port: cfg.certsPort ?? node.ports.certs,
    access: {
      city: node.id,
      networkCities: network.nodes.map((n) => n.id),
      transport,
      onDenied: accessAudit(accessLog),
    },
    services: [
      {
        name: "tongban.v1.CertificateRegistryService",
        definition: CertificateRegistryServiceService,
        implementation: registryGrpc(registry, log.child({ api: "certs" }), accessLog),
      },
    ],
  });
  // NOT_SERVING while the store (every lookup reads it) or the broker (revocations) is unreachable.
  const monitor = new HealthMonitor({
    intervalMs: cfg.healthIntervalMs,
    log: log.child({ component: "health" }),
    checks: [
      { name: "store", check: () => storeReachable(mongo.db, cfg.healthTimeoutMs) },
      { name: "kafka", check: () => bus.brokerReachable(cfg.healthTimeoutMs) },
    ],
    onChange: (report) => server.setServing(report.serving),
  });
  await monitor.start();
  log.info({ certs: server.address }, "certificate registry listening");

  return {
    nodeId: node.id,
    port: server.port,
    address: server.address,
    log,
    registry,
    audit,
    anchors,
    store,
    relay,
    stop: async () => {
      await monitor.stop();
      server.setServing(false);
      await server.stop();
      await audit.idle();
      await anchors.stop();
      await anchors.anchorNow().catch((err) => log.warn({ err }, "audit chain head not anchored at stop"));
      await relay.stop();
      await mongo.close();
      await bus.close();
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) runMain("certs", () => startCerts());
