import { readFileSync } from "node:fs";
import { type BusConnection, type TopicSpec } from "@tongban/bus";
import { topics } from "@tongban/contracts";
import { type ConfigOf, Network, type NodeConfig, type commonKeys, type kafkaKeys } from "@tongban/config";
import type { Logger } from "@tongban/log";
import type { AccessDenial } from "@tongban/rpc";

type Common = ConfigOf<typeof commonKeys>;

/**
 * Kafka connection settings from the Kafka configuration group (every process builds its
 * connection here). SASL PLAIN without TLS is refused: it would send the password in clear.
 */
export function busConnection(cfg: ConfigOf<typeof kafkaKeys>, clientId: string): BusConnection {
  const pem = (path: string | undefined) => (path ? readFileSync(path, "utf8") : undefined);
  if (Boolean(cfg.kafkaSslCert) !== Boolean(cfg.kafkaSslKey))
    throw new Error("KAFKA_SSL_CERT 与 KAFKA_SSL_KEY 须同时设置 / KAFKA_SSL_CERT and KAFKA_SSL_KEY go together");
  const ssl = cfg.kafkaSslCa
    ? { ca: [pem(cfg.kafkaSslCa)!], ...(cfg.kafkaSslCert ? { cert: pem(cfg.kafkaSslCert)!, key: pem(cfg.kafkaSslKey)! } : {}) }
    : cfg.kafkaSsl;
  const conn: BusConnection = { clientId, brokers: cfg.kafkaBrokers, ssl };
  if (cfg.kafkaSaslMechanism) {
    if (!cfg.kafkaSaslUsername || !cfg.kafkaSaslPassword) {
      throw new Error(
        "KAFKA_SASL_MECHANISM 已设置但缺少用户名或密码 / KAFKA_SASL_MECHANISM is set but KAFKA_SASL_USERNAME / KAFKA_SASL_PASSWORD are missing",
      );
    }
    if (cfg.kafkaSaslMechanism === "plain" && !ssl) {
      throw new Error("SASL PLAIN 须配合 TLS / SASL PLAIN without TLS would send the password in clear: set KAFKA_SSL_CA or KAFKA_SSL");
    }
    conn.sasl = { mechanism: cfg.kafkaSaslMechanism, username: cfg.kafkaSaslUsername, password: cfg.kafkaSaslPassword };
  }
  return conn;
}

/** This node's entry in the network file; fails start-up with a clear message if absent. */
export function thisNode(network: Network, id: string): NodeConfig {
  const node = network.node(id);
  if (!node) throw new Error(`TONGBAN_NODE=${id} is not in the network file (known: ${network.nodes.map((n) => n.id).join(", ")})`);
  return node;
}

export const dbNameOf = (cfg: Common) => cfg.mongoDb ?? `tongban_${cfg.node}`;

/** Audits a refused call (access log line, `audit: "access-denied"`) and counts it. */
export const accessAudit =
  (log: Logger, metrics?: { accessDenied(method: string, code: string): void }) =>
  (d: AccessDenial): void => {
    log.warn({ audit: "access-denied", ...d }, "access denied");
    metrics?.accessDenied(d.method, d.code);
  };

/**
 * Topics a network needs — per node an inbound and a dead-letter topic and the Kafka intake
 * channel's submissions and results, plus the tracking,
 * certificate-revocation, audit-anchor and the monitor's dead-letter topics. The provisioner
 * creates them (npm start, the tests' and the bench's set-up); services only require them.
 */
export function networkTopicSpecs(prefix: string, nodeIds: readonly string[], partitions = 3): TopicSpec[] {
  return [
    ...nodeIds.flatMap((id) => [
      { topic: topics.inbound(prefix, id), partitions },
      { topic: topics.deadLetter(prefix, id), partitions: 1 },
      { topic: topics.intake(prefix, id), partitions },
      { topic: topics.intakeResults(prefix, id), partitions },
    ]),
    { topic: topics.tracking(prefix), partitions },
    { topic: topics.certsRevoked(prefix), partitions },
    { topic: topics.certsAnchors(prefix), partitions: 1 },
    { topic: topics.monitorDeadLetter(prefix), partitions: 1 },
  ];
}
