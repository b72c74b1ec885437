import { randomBytes } from "node:crypto";
import { MongoClient, type Db } from "mongodb";
import { inject } from "vitest";
import { Bus } from "@tongban/bus";
import { Network } from "@tongban/config";
import { IntakeServiceClient } from "@tongban/contracts";
import { createLogger } from "@tongban/log";
import { type KafkaAccess, busConnectionAs, kafkaEnvAs, kafkaPrincipals, provisionNetwork } from "@tongban/runtime";
import { callerAs, identityEnv, nodeIdentityEnv } from "../../support/testNetwork";
import { ServiceProcess, freePort } from "./serviceProcess";

export const network = Network.load();
export const nodeIds = network.nodes.map((n) => n.id);

export interface FaultCity {
  id: string;
  node: ServiceProcess;
  registry: ServiceProcess;
  intakePort: number;
  certsPort: number;
  intake: IntakeServiceClient;
  db: Db;
}

export interface NetworkOptions {
  /** The broker or cluster every process uses (default: the suite's own broker). */
  kafka?: KafkaAccess;
  /** Per-city environment overrides (e.g. KAFKA_BROKERS through the proxy, LOG_LEVEL). */
  env?: Record<string, Record<string, string>>;
  /** Per-city `--import` preloads (e.g. the shifted clock). */
  preload?: Record<string, string[]>;
  /** CERTS_TARGETS override per city registry (e.g. a proxy in front of one registry). */
  certsAddress?: (city: string, port: number) => string;
  /** Start each city's certificate registry process too. */
  registries?: boolean;
}

/**
 * The three-city network as separate OS processes against the suite's own broker and store,
 * isolated by a fresh topic prefix and database names.
 */
export class FaultNetwork {
  readonly prefix = `f${randomBytes(4).toString("hex")}`;
  readonly kafka: KafkaAccess;
  readonly mongoUri = inject("faultMongoUri");
  readonly cities: FaultCity[] = [];
  readonly bus: Bus;
  private mongo = new MongoClient(inject("faultMongoUri"), { directConnection: true, serverSelectionTimeoutMS: 2_000 });

  constructor(private readonly opts: NetworkOptions = {}) {
    this.kafka = opts.kafka ?? inject("faultKafka");
    this.bus = new Bus(
      busConnectionAs(this.kafka, kafkaPrincipals.admin, "faults-harness"),
      createLogger({ service: "faults", level: "silent" }),
    );
  }

  dbName = (city: string) => `${this.prefix}_${city}`;
  city = (id: string): FaultCity => this.cities.find((c) => c.id === id)!;

  async start(): Promise<void> {
    await provisionNetwork(this.kafka, this.prefix, nodeIds, createLogger({ service: "faults", level: "silent" }));
    const ports = new Map<string, { intake: number; queue: number; metrics: number; certs: number }>();
    for (const id of nodeIds)
      ports.set(id, { intake: await freePort(), queue: await freePort(), metrics: await freePort(), certs: await freePort() });
    const certsTargets = nodeIds
      .map((id) => `${id}=${this.opts.certsAddress?.(id, ports.get(id)!.certs) ?? `localhost:${ports.get(id)!.certs}`}`)
      .join(",");
    for (const id of nodeIds) {
      const p = ports.get(id)!;
      const common = {
        TONGBAN_NODE: id,
        TONGBAN_TOPIC_PREFIX: this.prefix,
        MONGODB_URI: this.mongoUri,
        MONGODB_DB: this.dbName(id),
        LOG_LEVEL: "info",
      };
      const node = new ServiceProcess(
        `${this.prefix}-node-${id}`,
        "services/node/src/main.ts",
        {
          ...common,
          INTAKE_GRPC_PORT: String(p.intake),
          QUEUE_GRPC_PORT: String(p.queue),
          METRICS_PORT: String(p.metrics),
          CERTS_TARGETS: certsTargets,
          ...kafkaEnvAs(this.kafka, kafkaPrincipals.node(id)),
          ...nodeIdentityEnv(id),
          ...this.opts.env?.[id],
        },
        [
          { address: `localhost:${p.intake}`, service: "tongban.v1.IntakeService", caller: callerAs(id, "window") },
          { address: `localhost:${p.queue}`, service: "tongban.v1.AuthorityQueueService", caller: callerAs(id, "authority") },
        ],
        this.opts.preload?.[id] ?? [],
      );
      const registry = new ServiceProcess(
        `${this.prefix}-certs-${id}`,
        "services/certs/src/main.ts",
        {
          ...common,
          ...kafkaEnvAs(this.kafka, kafkaPrincipals.registry(id)),
          CERTS_GRPC_PORT: String(p.certs),
          CERTS_SEED_DEMO: "true",
          ...identityEnv(id, "registry", id),
        },
        [{ address: `localhost:${p.certs}`, service: "tongban.v1.CertificateRegistryService", caller: callerAs(id, "node", id) }],
      );
      this.cities.push({
        id,
        node,
        registry,
        intakePort: p.intake,
        certsPort: p.certs,
        // The load generator is the city's own window system.
        intake: (() => {
          const window = callerAs(id, "window");
          return new IntakeServiceClient(`localhost:${p.intake}`, window.credentials, window.options);
        })(),
        db: this.mongo.db(this.dbName(id)),
      });
    }
    if (this.opts.registries) await Promise.all(this.cities.map((c) => c.registry.start()));
    await Promise.all(this.cities.map((c) => c.node.start()));
  }

  async stop(): Promise<void> {
    for (const c of this.cities) c.intake.close();
    await Promise.all(this.cities.flatMap((c) => [c.node.stop(), c.registry.stop()]));
    await this.bus.close();
    await this.mongo.close();
  }
}
