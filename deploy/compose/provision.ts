/**
 * The compose deployment's provisioner: creates every topic of the network and each principal's
 * ACLs with the repository's own lists (networkTopicSpecs, networkAcls through provisionNetwork),
 * connected as `admin` with the environment's Kafka settings, so the deployment cannot drift from
 * what `npm start` and the tests provision. The brokers' defaults give each topic replication
 * factor 3 and min.insync.replicas 2.
 */
import { Network, kafkaKeys, loadConfig } from "@tongban/config";
import { createLogger } from "@tongban/log";
import { kafkaPrincipals, provisionNetwork } from "@tongban/runtime";

const cfg = loadConfig(kafkaKeys);
if (cfg.kafkaSaslUsername !== kafkaPrincipals.admin || !cfg.kafkaSaslPassword) {
  throw new Error(`the provisioner connects as ${kafkaPrincipals.admin}: set KAFKA_SASL_USERNAME=admin and its password`);
}
const network = Network.load();
await provisionNetwork(
  {
    brokers: cfg.kafkaBrokers,
    ...(cfg.kafkaSslCa ? { caFile: cfg.kafkaSslCa } : {}),
    users: { [kafkaPrincipals.admin]: cfg.kafkaSaslPassword },
  },
  cfg.topicPrefix,
  network.nodes.map((n) => n.id),
  createLogger({ service: "provision", level: "info" }),
);
console.log(`主题与权限已就绪 / topics and ACLs of prefix ${cfg.topicPrefix} provisioned for ${network.nodes.map((n) => n.id).join(", ")}`);
