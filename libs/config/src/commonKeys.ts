import { z } from "zod";
import type { ConfigKey } from "./loadConfig";

/** An on/off setting: "true" or "1" is on; unset, "false" or "0" is off. */
export const bool = z
  .enum(["true", "false", "1", "0"])
  .optional()
  .transform((v) => v === "true" || v === "1");

const list = (dflt: string) =>
  z
    .string()
    .default(dflt)
    .transform((s) =>
      s
        .split(",")
        .map((x) => x.trim())
        .filter(Boolean),
    );

/**
 * Where Kafka is and how a client reaches it (topic prefix, brokers, TLS, SASL): one group, spread
 * into every process's configuration, read by one connection builder (busConnection).
 */
export const kafkaKeys = {
  topicPrefix: {
    env: "TONGBAN_TOPIC_PREFIX",
    doc: "prefix of every Kafka topic (tongban.<node>.inbound, …)",
    schema: z
      .string()
      .regex(/^[a-zA-Z0-9._-]+$/)
      .default("tongban"),
  },
  kafkaBrokers: { env: "KAFKA_BROKERS", doc: "comma-separated Kafka bootstrap brokers", schema: list("127.0.0.1:19092") },
  kafkaSsl: { env: "KAFKA_SSL", doc: "use TLS to the brokers (implied by KAFKA_SSL_CA)", schema: bool },
  kafkaSslCa: {
    env: "KAFKA_SSL_CA",
    doc: "PEM file: the trust bundle the brokers' certificates are checked against (turns TLS on)",
    schema: z.string().min(1).optional(),
  },
  kafkaSslCert: {
    env: "KAFKA_SSL_CERT",
    doc: "PEM file: a client certificate for brokers that ask for one; with KAFKA_SSL_KEY",
    schema: z.string().min(1).optional(),
  },
  kafkaSslKey: { env: "KAFKA_SSL_KEY", doc: "PEM file: the private key of KAFKA_SSL_CERT", schema: z.string().min(1).optional() },
  kafkaSaslMechanism: {
    env: "KAFKA_SASL_MECHANISM",
    doc: "SASL mechanism (scram-sha-256, scram-sha-512, plain); empty for none",
    schema: z.enum(["scram-sha-256", "scram-sha-512", "plain"]).optional(),
  },
  kafkaSaslUsername: { env: "KAFKA_SASL_USERNAME", doc: "SASL user name", schema: z.string().optional() },
  kafkaSaslPassword: { env: "KAFKA_SASL_PASSWORD", doc: "SASL password", schema: z.string().optional() },
} satisfies Record<string, ConfigKey>;

/** Keys every exchange-node service shares: identity, Kafka, MongoDB, gRPC, logging. */
export const commonKeys = {
  node: { env: "TONGBAN_NODE", doc: "this node's id in deploy/network.json (e.g. xiamen)", schema: z.string().min(1) },
  ...kafkaKeys,
  mongoUri: { env: "MONGODB_URI", doc: "MongoDB-wire connection string", schema: z.string().default("mongodb://127.0.0.1:27018/") },
  mongoDb: { env: "MONGODB_DB", doc: "database name; default tongban_<node> (one database per node)", schema: z.string().optional() },
  grpcHost: { env: "GRPC_HOST", doc: "address the gRPC server binds to", schema: z.string().default("127.0.0.1") },
  grpcPort: {
    env: "GRPC_PORT",
    doc: "gRPC port; default from deploy/network.json, 0 picks a free one",
    schema: z.coerce.number().int().min(0).optional(),
  },
  grpcTlsCert: {
    env: "GRPC_TLS_CERT",
    doc: "PEM certificate of this service's identity (SAN spiffe://tongban/<city>/<role>/<name>); with GRPC_TLS_KEY and GRPC_TLS_CA",
    schema: z.string().optional(),
  },
  grpcTlsKey: { env: "GRPC_TLS_KEY", doc: "PEM private key of GRPC_TLS_CERT", schema: z.string().optional() },
  grpcTlsCa: {
    env: "GRPC_TLS_CA",
    doc: "PEM trust bundle: every city's CA, each with its spiffe://tongban/<city> URI SAN; peers are checked against it (mTLS)",
    schema: z.string().optional(),
  },
  grpcInsecure: {
    env: "GRPC_INSECURE",
    doc: "development only: plaintext gRPC, callers named by the tongban-dev-identity header (logs a warning at start)",
    schema: bool,
  },
  logLevel: {
    env: "LOG_LEVEL",
    doc: "pino log level",
    schema: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  },
} satisfies Record<string, ConfigKey>;
