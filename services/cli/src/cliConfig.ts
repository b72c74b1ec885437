import { type ConfigOf, commonKeys, kafkaKeys } from "@tongban/config";
import { leaseKeys } from "@tongban/runtime";
import { z } from "zod";

/**
 * The CLI's configuration: where Kafka and the nodes are, the topic prefix, and the operator
 * identity its gRPC calls use (default: the development PKI's operator-main of the city called).
 */
export const cliConfigSpec = {
  ...kafkaKeys,
  ...leaseKeys,
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
  mongoUri: {
    ...commonKeys.mongoUri,
    doc: "MongoDB connection string of the nodes' stores, for `tongban quarantine` and `tongban rebuild`",
  },
  nodeDb: {
    env: "TONGBAN_NODE_DB",
    doc: "database name of a node's store for `tongban quarantine` and `tongban rebuild`; {node} stands for the node id",
    schema: z.string().min(1).default("tongban_{node}"),
  },
  logLevel: { ...commonKeys.logLevel, schema: commonKeys.logLevel.schema.unwrap().default("warn") },
};
export type CliConfig = ConfigOf<typeof cliConfigSpec>;
