import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import * as strimzi from "@kubernetes-models/strimzi-kafka-operator/kafka.strimzi.io/v1beta2";
import * as apps from "kubernetes-models/apps/v1";
import * as batch from "kubernetes-models/batch/v1";
import * as networking from "kubernetes-models/networking.k8s.io/v1";
import * as policy from "kubernetes-models/policy/v1";
import * as core from "kubernetes-models/v1";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { Network, kafkaKeys } from "@tongban/config";
import { healthKeys, kafkaPrincipals, leaseKeys, networkAcls, networkPrincipals, networkTopicSpecs, shutdownKeys } from "@tongban/runtime";
import { certsConfigSpec } from "../../services/certs/src/main";
import { monitorConfigSpec } from "../../services/monitor/src/main";
import { nodeConfigSpec } from "../../services/node/src/main";
import { serviceHeapMb, serviceSemiSpaceMb } from "../../deploy/build";

// The production manifests (deploy/k8s, deploy/compose) checked offline: every Kubernetes document
// against its schema, and what no schema knows — the topics, principals and ACLs the repository
// provisions, the services `npm start` runs, the variables the code reads, probes, selectors and
// the Secrets that are referenced — against the repository's own lists.

const root = new URL("../../", import.meta.url).pathname;
const k8sDir = join(root, "deploy/k8s");
const composeFile = join(root, "deploy/compose/compose.yaml");
const network = Network.load(join(root, "deploy/network.json"), "/nonexistent");
const cities = network.nodes.map((n) => n.id);
const prefix = kafkaKeys.topicPrefix.schema.parse(undefined);

type Doc = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string> }; spec?: any; data?: any };
type Labels = Record<string, string>;

/** The model class of each kind the manifests may use; any other kind fails the test. */
const models: Record<string, new (data: any) => { validate(): void }> = {
  "v1/Namespace": core.Namespace,
  "v1/ConfigMap": core.ConfigMap,
  "v1/Secret": core.Secret,
  "v1/Service": core.Service,
  "apps/v1/Deployment": apps.Deployment,
  "apps/v1/StatefulSet": apps.StatefulSet,
  "batch/v1/Job": batch.Job,
  "policy/v1/PodDisruptionBudget": policy.PodDisruptionBudget,
  "networking.k8s.io/v1/NetworkPolicy": networking.NetworkPolicy,
  "kafka.strimzi.io/v1beta2/Kafka": strimzi.Kafka,
  "kafka.strimzi.io/v1beta2/KafkaNodePool": strimzi.KafkaNodePool,
  "kafka.strimzi.io/v1beta2/KafkaTopic": strimzi.KafkaTopic,
  "kafka.strimzi.io/v1beta2/KafkaUser": strimzi.KafkaUser,
};

const manifestFiles = readdirSync(k8sDir).filter((f) => f.endsWith(".yaml") && f !== "kustomization.yaml");
const docsOf = (file: string): Doc[] =>
  parseAllDocuments(readFileSync(join(k8sDir, file), "utf8"))
    .map((d) => {
      if (d.errors.length > 0) throw new Error(`${file}: ${d.errors.map((e) => e.message).join("; ")}`);
      return d.toJS() as Doc | null;
    })
    .filter((d): d is Doc => d !== null);
const docs = manifestFiles.flatMap((file) => docsOf(file).map((doc) => ({ file, doc })));
const ofKind = (kind: string) => docs.filter((d) => d.doc.kind === kind).map((d) => d.doc);

/** Each workload's pod template: its labels and containers. */
const workloads = [...ofKind("Deployment"), ...ofKind("StatefulSet"), ...ofKind("Job")];
const podLabels: Labels[] = [
  ...workloads.map((w) => (w.spec.template.metadata?.labels ?? {}) as Labels),
  // The broker pods Strimzi creates for the Kafka resource (its documented labels).
  ...ofKind("Kafka").map((k) => ({
    "strimzi.io/cluster": k.metadata.name,
    "strimzi.io/kind": "Kafka",
    "strimzi.io/name": `${k.metadata.name}-kafka`,
  })),
];
const selects = (selector: { matchLabels?: Labels } | undefined, labels: Labels) =>
  Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
const containersOf = (w: Doc): any[] => [...(w.spec.template.spec.initContainers ?? []), ...w.spec.template.spec.containers];
const envOf = (c: any): Record<string, any> => Object.fromEntries((c.env ?? []).map((e: any) => [e.name, e]));

/** Every environment variable the services read: their configuration specs, the network file, tracing. */
const readByCode = new Set([
  ...[nodeConfigSpec, certsConfigSpec, monitorConfigSpec, shutdownKeys, healthKeys, leaseKeys].flatMap((spec) =>
    Object.values(spec).map((k) => k.env),
  ),
  "TONGBAN_NETWORK_FILE",
  "OTEL_EXPORTER_OTLP_ENDPOINT",
  "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
]);

/** The ACLs of the repository as comparable strings. */
const aclKey = (principal: string, resource: string, name: string, pattern: string, operation: string) =>
  [principal, resource, name, pattern, operation.toLowerCase()].join(" ");

describe("Kubernetes manifests (deploy/k8s)", () => {
  it("when each document is checked against its model's schema, then every one is valid and of a known kind", () => {
    expect(docs.length).toBeGreaterThan(40);
    const problems: string[] = [];
    for (const { file, doc } of docs) {
      const Model = models[`${doc.apiVersion}/${doc.kind}`];
      if (!Model) {
        problems.push(`${file}: unknown kind ${doc.apiVersion}/${doc.kind}`);
        continue;
      }
      try {
        new Model(doc).validate();
      } catch (err) {
        problems.push(`${file}: ${doc.kind} ${doc.metadata?.name}: ${(err as Error).message}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("when the kustomization is read, then it applies every manifest but the Secret template", () => {
    const k = parse(readFileSync(join(k8sDir, "kustomization.yaml"), "utf8")) as { resources: string[] };
    expect([...k.resources].sort()).toEqual(manifestFiles.filter((f) => !f.includes("template")).sort());
  });

  it("when the KafkaTopics are compared with the repository's topics, then each has its name and partitions, replication 3 and min ISR 2", () => {
    const want = networkTopicSpecs(prefix, cities).map((t) => ({
      topic: t.topic,
      partitions: t.partitions ?? 3,
      replicas: 3,
      minIsr: "2",
    }));
    const have = ofKind("KafkaTopic").map((t) => ({
      topic: t.spec.topicName ?? t.metadata.name,
      partitions: t.spec.partitions,
      replicas: t.spec.replicas,
      minIsr: String(t.spec.config?.["min.insync.replicas"]),
    }));
    expect(have.sort((a, b) => a.topic.localeCompare(b.topic))).toEqual(want.sort((a, b) => a.topic.localeCompare(b.topic)));
  });

  it("when the KafkaUsers are compared with the repository's grants, then every principal has exactly its ACLs and admin is the only super user", () => {
    const users = ofKind("KafkaUser");
    expect(users.map((u) => u.metadata.name).sort()).toEqual(networkPrincipals(cities).sort());
    for (const u of users) expect(u.spec.authentication.type, u.metadata.name).toBe("scram-sha-512");
    const have = users.flatMap((u) =>
      (u.spec.authorization?.acls ?? []).flatMap((a: any) =>
        (a.operations ?? [a.operation]).map((op: string) =>
          aclKey(
            `User:${u.metadata.name}`,
            a.resource.type,
            a.resource.name,
            a.resource.patternType === "prefix" ? "prefixed" : "literal",
            op,
          ),
        ),
      ),
    );
    const want = networkAcls(prefix, cities).map((a) => aclKey(a.principal, a.resource, a.name, a.pattern, a.operation));
    expect(have.sort()).toEqual(want.sort());
    const [kafka, ...more] = ofKind("Kafka");
    expect(more).toEqual([]);
    expect(kafka!.spec.kafka.authorization.superUsers).toEqual([kafkaPrincipals.admin]);
    expect(users.find((u) => u.metadata.name === kafkaPrincipals.admin)!.spec.authorization).toBeUndefined();
    expect(kafka!.spec.kafka.config).toMatchObject({ "default.replication.factor": 3, "min.insync.replicas": 2 });
    const pools = ofKind("KafkaNodePool");
    expect(pools.reduce((n, p) => n + p.spec.replicas, 0)).toBeGreaterThanOrEqual(3);
  });

  it("when the workloads are compared with what npm start runs, then each city has a node with its standby and a registry, and there is one monitor", () => {
    const deployments = new Map(ofKind("Deployment").map((d) => [d.metadata.name, d]));
    for (const node of network.nodes) {
      const d = deployments.get(`node-${node.id}`);
      expect(d, `node-${node.id}`).toBeDefined();
      expect(d!.spec.replicas, "active + standby").toBe(2);
      const c = d!.spec.template.spec.containers[0];
      const env = envOf(c);
      expect(env.TONGBAN_NODE?.value).toBe(node.id);
      expect(env.NODE_STANDBY?.value, "both pods wait on the writer lease").toBe("true");
      expect(env.KAFKA_SASL_USERNAME?.value).toBe(kafkaPrincipals.node(node.id));
      const ports = Object.fromEntries(c.ports.map((p: any) => [p.name, p.containerPort]));
      expect(ports).toEqual({ intake: node.ports.intake, queue: node.ports.queue, metrics: node.ports.metrics });
      expect(c.readinessProbe?.httpGet).toMatchObject({ path: "/healthz", port: "metrics" });
      const r = deployments.get(`certs-${node.id}`);
      expect(r, `certs-${node.id}`).toBeDefined();
      expect(envOf(r!.spec.template.spec.containers[0]).KAFKA_SASL_USERNAME?.value).toBe(kafkaPrincipals.registry(node.id));
      expect(r!.spec.template.spec.containers[0].ports.map((p: any) => p.containerPort)).toEqual([node.ports.certs]);
    }
    expect(envOf(deployments.get("monitor")!.spec.template.spec.containers[0]).KAFKA_SASL_USERNAME?.value).toBe(kafkaPrincipals.monitor);
  });

  it("when every container's variables are read, then the code reads each of them and the Kafka password is its own principal's", () => {
    const problems: string[] = [];
    const users = new Set(ofKind("KafkaUser").map((u) => u.metadata.name));
    for (const w of ofKind("Deployment")) {
      for (const c of containersOf(w)) {
        const env = envOf(c);
        for (const name of Object.keys(env)) if (!readByCode.has(name)) problems.push(`${w.metadata.name}: ${name} is read by no service`);
        const user = env.KAFKA_SASL_USERNAME?.value;
        if (!users.has(user)) problems.push(`${w.metadata.name}: Kafka principal ${user} has no KafkaUser`);
        if (env.KAFKA_SASL_PASSWORD?.valueFrom?.secretKeyRef?.name !== user)
          problems.push(`${w.metadata.name}: password not from ${user}'s Secret`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("when the probes are read, then each targets a declared container port and none is a kubelet gRPC probe", () => {
    // Every gRPC server takes mutual TLS only (GRPC_INSECURE is for development); the kubelet's
    // grpc probe speaks plaintext and presents no client certificate, so it could never pass.
    const problems: string[] = [];
    for (const w of workloads) {
      for (const c of containersOf(w)) {
        const names = new Set((c.ports ?? []).map((p: any) => p.name));
        const numbers = new Set((c.ports ?? []).map((p: any) => p.containerPort));
        for (const kind of ["readinessProbe", "livenessProbe", "startupProbe"]) {
          const probe = c[kind];
          if (!probe) continue;
          if (probe.grpc) problems.push(`${w.metadata.name}/${c.name} ${kind}: kubelet gRPC probe on an mTLS-only server`);
          const port = probe.httpGet?.port ?? probe.tcpSocket?.port ?? probe.grpc?.port;
          if (port !== undefined && !names.has(port) && !numbers.has(port))
            problems.push(`${w.metadata.name}/${c.name} ${kind}: port ${port} not declared`);
          if (port === undefined && !probe.exec) problems.push(`${w.metadata.name}/${c.name} ${kind}: no target`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it("when the selectors are read, then every NetworkPolicy, PodDisruptionBudget and Service selects pods that exist, and each Service port names a container port", () => {
    const problems: string[] = [];
    const anyPod = (sel: { matchLabels?: Labels } | undefined) => podLabels.some((l) => selects(sel, l));
    for (const p of ofKind("NetworkPolicy")) {
      if (!anyPod(p.spec.podSelector)) problems.push(`NetworkPolicy ${p.metadata.name} selects no pod`);
      const peers = [...(p.spec.ingress ?? []).flatMap((r: any) => r.from ?? []), ...(p.spec.egress ?? []).flatMap((r: any) => r.to ?? [])];
      for (const peer of peers) {
        // A peer in another namespace (DNS, Prometheus) is not deployed here.
        if (peer.podSelector && !peer.namespaceSelector && !anyPod(peer.podSelector)) {
          problems.push(`NetworkPolicy ${p.metadata.name}: peer ${JSON.stringify(peer.podSelector.matchLabels)} matches no pod`);
        }
      }
    }
    for (const b of ofKind("PodDisruptionBudget"))
      if (!anyPod(b.spec.selector)) problems.push(`PodDisruptionBudget ${b.metadata.name} selects no pod`);
    for (const s of ofKind("Service")) {
      const backing = workloads.filter((w) => selects({ matchLabels: s.spec.selector }, w.spec.template.metadata.labels ?? {}));
      if (backing.length === 0) problems.push(`Service ${s.metadata.name} selects no pod`);
      const names = new Set(backing.flatMap((w) => containersOf(w).flatMap((c: any) => (c.ports ?? []).map((p: any) => p.name))));
      for (const port of s.spec.ports) {
        if (typeof port.targetPort === "string" && !names.has(port.targetPort))
          problems.push(`Service ${s.metadata.name}: no container port ${port.targetPort}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("when the referenced Secrets and ConfigMaps are looked up, then each exists (in the template, from a KafkaUser, or Strimzi's cluster CA)", () => {
    const secrets = new Set([
      ...ofKind("Secret").map((s) => s.metadata.name),
      ...ofKind("KafkaUser").map((u) => u.metadata.name),
      ...ofKind("Kafka").map((k) => `${k.metadata.name}-cluster-ca-cert`),
    ]);
    const configMaps = new Set(ofKind("ConfigMap").map((c) => c.metadata.name));
    const secretKeys = new Map(
      ofKind("Secret").map((s) => [s.metadata.name, new Set(Object.keys({ ...s.data, ...(s as any).stringData }))]),
    );
    const problems: string[] = [];
    for (const w of workloads) {
      for (const v of w.spec.template.spec.volumes ?? []) {
        if (v.secret && !secrets.has(v.secret.secretName)) problems.push(`${w.metadata.name}: volume Secret ${v.secret.secretName}`);
        if (v.configMap && !configMaps.has(v.configMap.name)) problems.push(`${w.metadata.name}: volume ConfigMap ${v.configMap.name}`);
      }
      for (const c of containersOf(w)) {
        for (const e of c.env ?? []) {
          const s = e.valueFrom?.secretKeyRef;
          if (s && !secrets.has(s.name)) problems.push(`${w.metadata.name}: ${e.name} from Secret ${s.name}`);
          if (s && secretKeys.has(s.name) && !secretKeys.get(s.name)!.has(s.key))
            problems.push(`${w.metadata.name}: ${e.name} from ${s.name} key ${s.key}`);
          const m = e.valueFrom?.configMapKeyRef;
          if (m && (!configMaps.has(m.name) || !(m.key in (ofKind("ConfigMap").find((x) => x.metadata.name === m.name)?.data ?? {})))) {
            problems.push(`${w.metadata.name}: ${e.name} from ConfigMap ${m.name} key ${m.key}`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it("when the network ConfigMap is read, then it is deploy/network.json's network with an active key for every signing and sealing key id the pods use", () => {
    const cm = ofKind("ConfigMap").find((c) => c.metadata.name === "tongban-network")!;
    const deployed = Network.parse(JSON.parse(cm.data["network.json"]));
    expect(deployed.nodes).toEqual(network.nodes);
    const problems: string[] = [];
    for (const w of ofKind("Deployment")) {
      for (const c of containersOf(w)) {
        const env = envOf(c);
        const city = env.TONGBAN_NODE?.value;
        const signing = env.SIGNING_KEY_ID?.value;
        if (signing) {
          const role = w.metadata.name.startsWith("node-") ? "node" : "registry";
          const key = deployed.signingKeys.find((k) => k.keyId === signing);
          if (key?.principal !== `${role}:${city}` || key.status !== "active") problems.push(`${w.metadata.name}: signing key ${signing}`);
        }
        for (const pair of (env.SEALING_KEY_FILES?.value ?? "").split(",").filter(Boolean)) {
          const keyId = pair.split("=")[0];
          const key = deployed.sealingKeys.find((k) => k.keyId === keyId);
          if (key?.principal !== `node:${city}`) problems.push(`${w.metadata.name}: sealing key ${keyId}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

describe("Compose deployment (deploy/compose)", () => {
  /** `docker-compose config`: the file as docker-compose 1.29 resolves it (anchors merged), or a failure. */
  const resolved = () => {
    const out = execFileSync("docker-compose", ["-f", composeFile, "config"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    return parse(out) as { services: Record<string, any>; secrets: Record<string, { file: string }> };
  };

  it("when docker-compose checks the file, then it is valid", () => {
    execFileSync("docker-compose", ["-f", composeFile, "config", "-q"], { stdio: ["ignore", "pipe", "pipe"] });
  });

  it("when its services are compared with what npm start runs, then each city has a node, a standby and a registry as their own principals, with the infrastructure beside them", () => {
    const { services } = resolved();
    const expected: Record<string, { command: string; principal: string; standby?: boolean }> = {
      monitor: { command: "monitor", principal: kafkaPrincipals.monitor },
      provision: { command: "provision", principal: kafkaPrincipals.admin },
    };
    for (const c of cities) {
      expected[`node-${c}`] = { command: "node", principal: kafkaPrincipals.node(c), standby: false };
      expected[`node-${c}-standby`] = { command: "node", principal: kafkaPrincipals.node(c), standby: true };
      expected[`certs-${c}`] = { command: "certs", principal: kafkaPrincipals.registry(c) };
    }
    for (const infra of [
      "kafka-1",
      "kafka-2",
      "kafka-3",
      "mongo-1",
      "mongo-2",
      "mongo-3",
      "mongo-init",
      "prometheus",
      "grafana",
      "jaeger",
    ]) {
      expect(services[infra], infra).toBeDefined();
    }
    const problems: string[] = [];
    for (const [name, want] of Object.entries(expected)) {
      const s = services[name];
      if (!s) {
        problems.push(`${name} missing`);
        continue;
      }
      const env = s.environment ?? {};
      if (s.command?.[0] !== want.command) problems.push(`${name}: runs ${s.command?.[0]}`);
      if (env.KAFKA_SASL_USERNAME !== want.principal) problems.push(`${name}: principal ${env.KAFKA_SASL_USERNAME}`);
      const password = (s.secrets ?? []).find((x: any) => x.target === "kafka-password");
      if (password?.source !== `kafka-user-${want.principal}`) problems.push(`${name}: password from ${password?.source}`);
      if (want.standby !== undefined && env.NODE_STANDBY !== String(want.standby))
        problems.push(`${name}: NODE_STANDBY=${env.NODE_STANDBY}`);
      if (!String(env.OTEL_EXPORTER_OTLP_ENDPOINT).startsWith("http://jaeger:4318")) problems.push(`${name}: traces not sent to Jaeger`);
      for (const key of Object.keys(env)) if (!readByCode.has(key)) problems.push(`${name}: ${key} is read by no service`);
      for (const [key, value] of Object.entries(env)) if (/PASSWORD$/.test(key) && value) problems.push(`${name}: ${key} inline`);
    }
    expect(problems).toEqual([]);
    expect(services.jaeger.environment.COLLECTOR_OTLP_ENABLED).toBe("true");
  });

  it("when the brokers are read, then every principal of the network has a SCRAM secret each broker formats its storage with, and topics default to replication 3 and min ISR 2", () => {
    const { services, secrets } = resolved();
    for (const p of networkPrincipals(cities)) expect(secrets[`kafka-user-${p}`], p).toBeDefined();
    for (const b of ["kafka-1", "kafka-2", "kafka-3"]) {
      const mounted = services[b].secrets.map((s: any) => s.source ?? s);
      expect(mounted.filter((s: string) => s.startsWith("kafka-user-")).sort(), b).toEqual(
        networkPrincipals(cities)
          .map((p) => `kafka-user-${p}`)
          .sort(),
      );
      expect(services[b].image).toMatch(/^apache\/kafka:3\.9\./);
    }
    const script = readFileSync(join(root, "deploy/compose/kafka/start-broker.sh"), "utf8");
    for (const line of [
      "default.replication.factor=3",
      "min.insync.replicas=2",
      "allow.everyone.if.no.acl.found=false",
      "super.users=User:admin",
      "sasl.enabled.mechanisms=SCRAM-SHA-512",
    ]) {
      expect(script).toContain(`\n${line}\n`);
    }
    // Topics and ACLs come from the repository's own lists, not a copy of them.
    expect(readFileSync(join(root, "deploy/compose/provision.ts"), "utf8")).toMatch(/await provisionNetwork\(/);
  });

  it("when Prometheus, Grafana and the entry point are read, then every node's metrics port is scraped, the dashboard is provisioned and the services run as deploy/build.ts runs them", () => {
    const { services } = resolved();
    const targets = (parse(readFileSync(join(root, "deploy/compose/prometheus/prometheus.yml"), "utf8")) as any).scrape_configs.flatMap(
      (j: any) => j.static_configs.flatMap((s: any) => s.targets),
    );
    for (const n of network.nodes) {
      expect(targets).toContain(`node-${n.id}:${n.ports.metrics}`);
      expect(targets).toContain(`node-${n.id}-standby:${n.ports.metrics}`);
    }
    expect(services.grafana.volumes.map((v: any) => (typeof v === "string" ? v : v.source)).join("\n")).toContain(
      "deploy/grafana/tongban-dashboard.json",
    );
    const entry = readFileSync(join(root, "deploy/compose/service-entrypoint.sh"), "utf8");
    expect(entry).toContain(`--max-old-space-size=${serviceHeapMb} --max-semi-space-size=${serviceSemiSpaceMb} --enable-source-maps`);
  });
});
