import { existsSync } from "node:fs";
import { ferretLogFile, ferretStatus, localMongoUri, startFerret, stopFerret } from "./ferretLocal";
import type { KafkaAccess } from "@tongban/runtime";
import { localKafkaAccess, sharedKafka, sharedKafkaCluster } from "./kafkaLocal";

/** Where the broker and store come from, in the order ARCHITECTURE.md prescribes. */
export type InfraSource = "env" | "testcontainers" | "local";

export interface Infra {
  source: InfraSource;
  /** How each principal reaches the broker (TLS trust, SASL credentials). */
  kafka: KafkaAccess;
  mongoUri: string;
  /** Human-readable pointers (log files, container ids). */
  notes: string[];
  /** Stops only what this call started; infra that was already running is left alone. */
  release(): Promise<void>;
}

async function dockerAvailable(): Promise<boolean> {
  if (process.env.TONGBAN_INFRA === "local") return false;
  const socket = process.env.DOCKER_HOST ?? (existsSync("/var/run/docker.sock") ? "unix:///var/run/docker.sock" : undefined);
  if (socket === undefined) return false;
  try {
    const { getContainerRuntimeClient } = await import("testcontainers");
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

async function viaTestcontainers(): Promise<Infra> {
  const { KafkaContainer } = await import("@testcontainers/kafka");
  const { MongoDBContainer } = await import("@testcontainers/mongodb");
  const [kafka, mongo] = await Promise.all([
    new KafkaContainer("apache/kafka:3.9.1").withKraft().start(),
    new MongoDBContainer("mongo:7.0").start(),
  ]);
  return {
    source: "testcontainers",
    kafka: { brokers: [`${kafka.getHost()}:${kafka.getMappedPort(9093)}`] },
    mongoUri: `${mongo.getConnectionString()}/?directConnection=true`,
    notes: [`kafka container ${kafka.getId().slice(0, 12)}`, `mongodb container ${mongo.getId().slice(0, 12)}`],
    release: async () => {
      await Promise.all([kafka.stop(), mongo.stop()]);
    },
  };
}

/** The local broker: one (the default), or a three-member cluster with TONGBAN_KAFKA_CLUSTER=3. */
function localKafka() {
  const members = process.env.TONGBAN_KAFKA_CLUSTER ?? "1";
  if (members === "1") return { ...sharedKafka, logFiles: [sharedKafka.logFile] };
  if (members === "3") return sharedKafkaCluster;
  throw new Error(`TONGBAN_KAFKA_CLUSTER=${members}: use 1 (one broker) or 3 (a three-member cluster)`);
}

async function viaLocalProcesses(): Promise<Infra> {
  const kafka = localKafka();
  const [startedKafka, startedFerret] = await Promise.all([kafka.start(), startFerret()]);
  return {
    source: "local",
    kafka: await localKafkaAccess(kafka),
    mongoUri: localMongoUri,
    notes: [
      `Kafka log: ${kafka.logFiles.join(", ")} (SASL/SCRAM over TLS; credentials in .run/kafka-users.json)`,
      `FerretDB log: ${ferretLogFile}`,
    ],
    release: async () => {
      await Promise.all([startedKafka ? kafka.stop() : undefined, startedFerret ? stopFerret() : undefined]);
    },
  };
}

/**
 * Resolves a Kafka broker and a MongoDB-wire store:
 * 1. KAFKA_BROKERS and MONGODB_URI given → use them, start nothing;
 * 2. a working Docker runtime → testcontainers;
 * 3. otherwise → Apache Kafka (KRaft, from Maven jars) and FerretDB (built with Go) as local processes.
 */
export async function resolveInfra(): Promise<Infra> {
  const brokers = process.env.KAFKA_BROKERS;
  const uri = process.env.MONGODB_URI;
  if (brokers && uri) {
    const kafka = accessFromEnv(brokers.split(",").map((b) => b.trim()));
    return { source: "env", kafka, mongoUri: uri, notes: [], release: async () => {} };
  }
  if (brokers || uri) {
    throw new Error("Set both KAFKA_BROKERS and MONGODB_URI, or neither (then the broker and store are provisioned locally).");
  }
  if (await dockerAvailable()) return viaTestcontainers();
  return viaLocalProcesses();
}

export async function localStatus(): Promise<{ kafka: string; ferretdb: string }> {
  const [kafka, ferretdb] = await Promise.all([localKafka().status(), ferretStatus()]);
  return { kafka, ferretdb };
}

export async function stopLocal(): Promise<void> {
  await Promise.all([localKafka().stop(), stopFerret()]);
}

/** A given broker: every process connects as KAFKA_SSL_CA / KAFKA_SASL_* say (one identity for all). */
function accessFromEnv(brokers: string[]): KafkaAccess {
  const e = process.env;
  const mechanism = e.KAFKA_SASL_MECHANISM as NonNullable<KafkaAccess["sasl"]>["mechanism"] | undefined;
  return {
    brokers,
    ...(e.KAFKA_SSL_CA ? { caFile: e.KAFKA_SSL_CA } : {}),
    ...(mechanism ? { sasl: { mechanism, username: e.KAFKA_SASL_USERNAME ?? "", password: e.KAFKA_SASL_PASSWORD ?? "" } } : {}),
  };
}
