import type { BusConnection } from "@tongban/bus";
import { type ConfigOf, commonKeys } from "@tongban/config";
import { z } from "zod";

/**
 * The CLI's configuration: where Kafka and the nodes are, the topic prefix, and the operator
 * identity its gRPC calls use (default: the development PKI's operator-main of the city called).
 */
export const cliConfigSpec = {
  topicPrefix: commonKeys.topicPrefix,
  kafkaBrokers: commonKeys.kafkaBrokers,
  kafkaSsl: commonKeys.kafkaSsl,
  kafkaSaslMechanism: commonKeys.kafkaSaslMechanism,
  kafkaSaslUsername: commonKeys.kafkaSaslUsername,
  kafkaSaslPassword: commonKeys.kafkaSaslPassword,
  grpcTlsCert: {
    ...commonKeys.grpcTlsCert,
    doc: "PEM certificate of the operator identity for gRPC calls (mTLS); with GRPC_TLS_KEY and GRPC_TLS_CA. Unset: the development PKI's operator-main of the city called",
  },
  grpcTlsKey: { ...commonKeys.grpcTlsKey, doc: "PEM private key of GRPC_TLS_CERT" },
  grpcTlsCa: { ...commonKeys.grpcTlsCa, doc: "PEM trust bundle the nodes' server certificates are checked against" },
  grpcInsecure: commonKeys.grpcInsecure,
  nodesHost: {
    env: "TONGBAN_NODES_HOST",
    doc: "host of the nodes' gRPC servers for `tongban health` (ports come from deploy/network.json); a name rather than an IP address, since TLS sends it as the server name",
    schema: z.string().default("localhost"),
  },
  mongoUri: { ...commonKeys.mongoUri, doc: "MongoDB connection string of the nodes' stores, for `tongban quarantine`" },
  nodeDb: {
    env: "TONGBAN_NODE_DB",
    doc: "database name of a node's store for `tongban quarantine`; {node} stands for the node id",
    schema: z.string().min(1).default("tongban_{node}"),
  },
  logLevel: { ...commonKeys.logLevel, schema: commonKeys.logLevel.schema.unwrap().default("warn") },
};
export type CliConfig = ConfigOf<typeof cliConfigSpec>;

/** Kafka settings of the CLI's bus (TLS and SASL from configuration, as everywhere). */
export function cliBusConnection(cfg: CliConfig): BusConnection {
  const conn: BusConnection = { clientId: "tongban-cli", brokers: cfg.kafkaBrokers, ssl: cfg.kafkaSsl };
  if (cfg.kafkaSaslMechanism) {
    if (!cfg.kafkaSaslUsername || !cfg.kafkaSaslPassword) {
      throw new Error("KAFKA_SASL_MECHANISM 已设置但缺少用户名或密码 / KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are required");
    }
    conn.sasl = { mechanism: cfg.kafkaSaslMechanism, username: cfg.kafkaSaslUsername, password: cfg.kafkaSaslPassword };
  }
  return conn;
}
