import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { Bus, type BusConnection } from "@tongban/bus";
import type { Logger } from "@tongban/log";
import { kafkaPrincipals, networkAcls } from "./networkAcls";
import { networkTopicSpecs } from "./nodeContext";

/**
 * How the processes of one network reach its broker: the bootstrap addresses, the trust bundle of
 * the brokers' TLS certificates, and either a SCRAM password per principal (a broker the project
 * runs itself, where every process has its own identity) or one set of SASL settings the operator
 * gave (a broker run elsewhere), or neither (a development broker without authentication).
 * Plain data, so a test set-up can hand it to its workers.
 */
export interface KafkaAccess {
  brokers: string[];
  /** PEM trust bundle of the brokers' certificates; TLS is on when set. */
  caFile?: string;
  /** SCRAM-SHA-512 password of each principal (kafkaPrincipals). */
  users?: Readonly<Record<string, string>>;
  /** Without `users`: the SASL settings every process uses. */
  sasl?: { mechanism: "scram-sha-256" | "scram-sha-512" | "plain"; username: string; password: string };
}

/**
 * Every principal of a network: the provisioner, each city's node, registry and window systems,
 * the monitor and the operators' command line.
 */
export function networkPrincipals(nodeIds: readonly string[]): string[] {
  return [
    kafkaPrincipals.admin,
    ...nodeIds.flatMap((n) => [kafkaPrincipals.node(n), kafkaPrincipals.registry(n), kafkaPrincipals.window(n)]),
    kafkaPrincipals.monitor,
    kafkaPrincipals.operator,
  ];
}

function saslAs(access: KafkaAccess, principal: string): KafkaAccess["sasl"] {
  if (!access.users) return access.sasl;
  const password = access.users[principal];
  if (password === undefined) throw new Error(`no Kafka credentials for principal ${principal}`);
  return { mechanism: "scram-sha-512", username: principal, password };
}

/** The connection `principal` makes. */
export function busConnectionAs(access: KafkaAccess, principal: string, clientId: string): BusConnection {
  const sasl = saslAs(access, principal);
  return {
    clientId,
    brokers: access.brokers,
    ...(access.caFile ? { ssl: { ca: [readPem(access.caFile)] } } : {}),
    ...(sasl ? { sasl } : {}),
  };
}

/** The Kafka configuration keys (kafkaKeys) of `principal`, for a service configured in-process. */
export function kafkaSettingsAs(access: KafkaAccess, principal: string) {
  const sasl = saslAs(access, principal);
  return {
    kafkaBrokers: access.brokers,
    kafkaSsl: false,
    kafkaSslCa: access.caFile,
    kafkaSslCert: undefined,
    kafkaSslKey: undefined,
    kafkaSaslMechanism: sasl?.mechanism,
    kafkaSaslUsername: sasl?.username,
    kafkaSaslPassword: sasl?.password,
  };
}

/** The same as environment variables, for a service started as its own process. */
export function kafkaEnvAs(access: KafkaAccess, principal: string): Record<string, string> {
  const sasl = saslAs(access, principal);
  return {
    KAFKA_BROKERS: access.brokers.join(","),
    ...(access.caFile ? { KAFKA_SSL_CA: access.caFile } : {}),
    ...(sasl ? { KAFKA_SASL_MECHANISM: sasl.mechanism, KAFKA_SASL_USERNAME: sasl.username, KAFKA_SASL_PASSWORD: sasl.password } : {}),
  };
}

/**
 * The provisioner's work for one topic prefix: every topic of the network and, on a broker the
 * project runs with an authorizer, each principal's least-privilege ACLs — waiting until the broker
 * applies them, so that a service started right after is not refused.
 */
export async function provisionNetwork(access: KafkaAccess, prefix: string, nodeIds: readonly string[], log: Logger): Promise<void> {
  const bus = new Bus(busConnectionAs(access, kafkaPrincipals.admin, "tongban-provisioner"), log);
  try {
    await bus.ensureTopics(networkTopicSpecs(prefix, nodeIds));
    if (!access.users) return;
    const acls = networkAcls(prefix, nodeIds);
    await bus.createAcls(acls);
    const deadline = Date.now() + 30_000;
    while ((await bus.countAcls(acls)) < acls.length) {
      if (Date.now() > deadline) throw new Error(`the broker did not apply the ACLs of topic prefix ${prefix} within 30 s`);
      await sleep(100);
    }
  } finally {
    await bus.close();
  }
}

const pems = new Map<string, string>();
function readPem(path: string): string {
  let pem = pems.get(path);
  if (pem === undefined) pems.set(path, (pem = readFileSync(path, "utf8")));
  return pem;
}
