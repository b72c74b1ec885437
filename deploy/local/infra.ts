import { existsSync } from "node:fs";
import { ferretLogFile, ferretStatus, localMongoUri, startFerret, stopFerret } from "./ferretLocal";
import { kafkaLogFile, kafkaStatus, localKafkaBroker, startKafka, stopKafka } from "./kafkaLocal";

/** Where the broker and store come from, in the order ARCHITECTURE.md prescribes. */
export type InfraSource = "env" | "testcontainers" | "local";

export interface Infra {
  source: InfraSource;
  kafkaBrokers: string[];
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
    kafkaBrokers: [`${kafka.getHost()}:${kafka.getMappedPort(9093)}`],
    mongoUri: `${mongo.getConnectionString()}/?directConnection=true`,
    notes: [`kafka container ${kafka.getId().slice(0, 12)}`, `mongodb container ${mongo.getId().slice(0, 12)}`],
    release: async () => {
      await Promise.all([kafka.stop(), mongo.stop()]);
    },
  };
}

async function viaLocalProcesses(): Promise<Infra> {
  const [startedKafka, startedFerret] = await Promise.all([startKafka(), startFerret()]);
  return {
    source: "local",
    kafkaBrokers: [localKafkaBroker],
    mongoUri: localMongoUri,
    notes: [`Kafka log: ${kafkaLogFile}`, `FerretDB log: ${ferretLogFile}`],
    release: async () => {
      await Promise.all([startedKafka ? stopKafka() : undefined, startedFerret ? stopFerret() : undefined]);
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
    return { source: "env", kafkaBrokers: brokers.split(",").map((b) => b.trim()), mongoUri: uri, notes: [], release: async () => {} };
  }
  if (brokers || uri) {
    throw new Error("Set both KAFKA_BROKERS and MONGODB_URI, or neither (then the broker and store are provisioned locally).");
  }
  if (await dockerAvailable()) return viaTestcontainers();
  return viaLocalProcesses();
}

export async function localStatus(): Promise<{ kafka: string; ferretdb: string }> {
  const [kafka, ferretdb] = await Promise.all([kafkaStatus(), ferretStatus()]);
  return { kafka, ferretdb };
}

export async function stopLocal(): Promise<void> {
  await Promise.all([stopKafka(), stopFerret()]);
}
