import { rmSync } from "node:fs";
import { join } from "node:path";
import { ferretInstance } from "../../../deploy/local/ferretLocal";
import { kafkaCluster, kafkaInstance, localKafkaSecurity } from "../../../deploy/local/kafkaLocal";
import { stateDir } from "../../../deploy/local/paths";
import { toxiproxyInstance } from "../../../deploy/local/toxiproxyLocal";

/**
 * The fault suite's own broker, store and Toxiproxy, on ports and data dirs of their own: the
 * suite kills them with SIGKILL, so it never touches the shared ones (19092 / 27018).
 *
 * The broker has two client listeners: the direct one (for the harness and healthy nodes) and
 * FAULTY, advertised at a Toxiproxy port. A node given the proxy port as its bootstrap address
 * learns the proxy address from the metadata too, so every connection it makes to the broker
 * passes through the proxy, and only its own.
 */
export const faultPorts = {
  kafka: Number(process.env.TONGBAN_FAULTS_KAFKA_PORT ?? 29092),
  kafkaController: Number(process.env.TONGBAN_FAULTS_KAFKA_PORT ?? 29092) + 1,
  kafkaFaultyListener: Number(process.env.TONGBAN_FAULTS_KAFKA_PORT ?? 29092) + 2,
  /** Toxiproxy listens here and forwards to the FAULTY listener. */
  kafkaProxy: Number(process.env.TONGBAN_FAULTS_KAFKA_PORT ?? 29092) + 3,
  /** The three-member cluster's first broker (the others at +10 and +20). */
  kafkaCluster: Number(process.env.TONGBAN_FAULTS_KAFKA_CLUSTER_PORT ?? 39092),
  ferret: Number(process.env.TONGBAN_FAULTS_FERRETDB_PORT ?? 28018),
  toxiproxy: Number(process.env.TONGBAN_FAULTS_TOXIPROXY_PORT ?? 28474),
};

export const faultKafka = kafkaInstance({
  name: "faults-kafka",
  port: faultPorts.kafka,
  controllerPort: faultPorts.kafkaController,
  extraListeners: [{ name: "FAULTY", port: faultPorts.kafkaFaultyListener, advertisedPort: faultPorts.kafkaProxy }],
  // SASL/SCRAM over TLS on both listeners, as the shared broker: the proxy passes the TLS through.
  security: localKafkaSecurity,
});
/** Started only by the cluster scenarios (tests/faults/kafkaCluster.faults.spec.ts), from empty data dirs. */
export const faultKafkaCluster = kafkaCluster({
  name: "faults-kafka-cluster",
  port: faultPorts.kafkaCluster,
  size: 3,
  security: localKafkaSecurity,
});
export const faultFerret = ferretInstance({ name: "faults-ferretdb", port: faultPorts.ferret });
export const faultToxiproxy = toxiproxyInstance({ name: "faults-toxiproxy", port: faultPorts.toxiproxy });

/** Bootstrap address through Toxiproxy (see faultPorts). */
export const kafkaViaProxy = `127.0.0.1:${faultPorts.kafkaProxy}`;
export const KAFKA_PROXY = "kafka-faulty";

/** Stops whatever an earlier, interrupted run left, and starts from empty data dirs. */
export async function resetFaultInfra(): Promise<void> {
  await Promise.all([faultKafka.stop(), faultKafkaCluster.stop(), faultFerret.stop(), faultToxiproxy.stop()]);
  const dirs = ["faults-kafka", "faults-ferretdb", ...faultKafkaCluster.members.map((_, i) => `faults-kafka-cluster-${i + 1}`)];
  for (const dir of [...dirs, "faults-kafka-cluster.cluster-id"]) rmSync(join(stateDir, dir), { recursive: true, force: true });
}

export async function stopFaultInfra(): Promise<void> {
  await Promise.all([faultKafka.stop(), faultKafkaCluster.stop(), faultFerret.stop(), faultToxiproxy.stop()]);
}
