import "@tongban/bus"; // drops kafkajs's TimeoutNegativeWarning on Node >= 23
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Kafka, logLevel } from "kafkajs";
import { Network } from "@tongban/config";
import { devPkiCities } from "@tongban/demo";
import { defaultPkiDir, ensureDevPki, identityFiles, trustBundlePath } from "@tongban/identity";
import { type KafkaAccess, networkPrincipals } from "@tongban/runtime";
import { cacheDir, logsDir, repoRoot, stateDir } from "./paths";
import { type ManagedProcess, isAlive, readPid, requireTool, run, spawnDetached, stopProcess, tcpOpen, waitReady } from "./localProcess";

/** Broker version; kafkajs 2.2.4 is proven against it by tests/infra/kafkajsCompat.int.spec.ts. */
export const KAFKA_VERSION = "3.9.1";

const host = "127.0.0.1";
const libsDir = join(cacheDir, `kafka-${KAFKA_VERSION}`, "libs");

/** A listener besides the default one, advertised at another port (e.g. a proxy in front of it). */
export interface ExtraListener {
  /** Listener name, upper case (e.g. "FAULTY"). */
  name: string;
  port: number;
  advertisedPort: number;
}

/**
 * A broker that runs like a production one: clients authenticate with SASL/SCRAM-SHA-512 over TLS
 * (the listener's certificate from the network PKI), the StandardAuthorizer refuses whatever no
 * ACL allows, and `admin` (the provisioner) is the only super user. The SCRAM credentials are
 * created when the storage is formatted (KRaft `--add-scram`).
 */
export interface KafkaSecurity {
  /** SCRAM users (name → password); must include `admin`. */
  users: Readonly<Record<string, string>>;
  /** PEM files: the listener's certificate and its PKCS#8 key, and the trust bundle clients and the broker check against. */
  certFile: string;
  keyFile: string;
  caFile: string;
}

/** One local broker: its ports, data dir and pid file are named after `name`. */
export interface KafkaInstanceOptions {
  name: string;
  /** Default TONGBAN_KAFKA_PORT, else 19092. */
  port?: number;
  controllerPort?: number;
  extraListeners?: readonly ExtraListener[];
  /** The broker's security, or how to get it when it starts (e.g. localKafkaSecurity); none: PLAINTEXT. */
  security?: KafkaSecurity | (() => Promise<KafkaSecurity>);
  /** Membership of a cluster (see kafkaCluster); none: a cluster of one. */
  quorum?: QuorumMembership;
}

/** One member of a KRaft cluster whose every member is broker and controller. */
export interface QuorumMembership {
  nodeId: number;
  /** `controller.quorum.voters`: `<id>@<host>:<controllerPort>` of every member. */
  voters: string;
  /** The cluster id every member's storage is formatted with. */
  clusterId: () => string;
  /** Members in all: replication factor 3 and min.insync.replicas 2 from three members on. */
  size: number;
}

export interface KafkaInstance {
  /** Bootstrap address of the default listener. */
  broker: string;
  /** Bootstrap addresses (the one broker's; a cluster's every member's). */
  brokers: string[];
  logFile: string;
  pid(): number | undefined;
  status(): Promise<"running" | "stopped">;
  /** Starts the broker unless it already runs; returns true when this call started it. */
  start(): Promise<boolean>;
  stop(): Promise<boolean>;
}

/** Resolves the broker's classpath from Maven Central into the cache, once. */
export function ensureKafkaJars(): void {
  const marker = join(libsDir, ".complete");
  if (existsSync(marker)) return;
  requireTool(
    "java",
    ["-version"],
    "install a Java 17+ runtime (e.g. `apt-get install openjdk-17-jre-headless`) to run the local Kafka broker, or set KAFKA_BROKERS.",
  );
  requireTool("mvn", ["-v"], "install Apache Maven (e.g. `apt-get install maven`) to fetch the Kafka broker jars, or set KAFKA_BROKERS.");
  mkdirSync(libsDir, { recursive: true });
  run(
    "mvn",
    [
      "-q",
      "-B",
      "-f",
      join(repoRoot, "deploy/local/kafka/pom.xml"),
      "dependency:copy-dependencies",
      `-DoutputDirectory=${libsDir}`,
      "-DincludeScope=runtime",
      `-Dkafka.version=${KAFKA_VERSION}`,
    ],
    repoRoot,
  );
  writeFileSync(marker, new Date().toISOString());
}

/** A local KRaft broker; the shared one is `kafkaInstance()` (TONGBAN_KAFKA_PORT, default 19092). */
export function kafkaInstance(opts?: KafkaInstanceOptions): KafkaInstance {
  const name = opts?.name ?? "kafka";
  const port = opts?.port ?? Number(process.env.TONGBAN_KAFKA_PORT ?? 19092);
  const controllerPort = opts?.controllerPort ?? Number(process.env.TONGBAN_KAFKA_CONTROLLER_PORT ?? port + 1);
  const extra = opts?.extraListeners ?? [];
  const dataDir = join(stateDir, name);
  const proc: ManagedProcess = {
    name: name === "kafka" ? "Kafka" : `Kafka (${name})`,
    pidFile: join(stateDir, `${name}.pid`),
    logFile: join(logsDir, `${name}.log`),
  };
  const broker = `${host}:${port}`;
  const securityOf = async (): Promise<KafkaSecurity | undefined> =>
    typeof opts?.security === "function" ? opts.security() : opts?.security;
  const jaas = (module: string, user: string, password: string, extra = "") =>
    `${module} required username="${user}" password="${password}"${extra};`;

  /** The listeners of a secured broker: SASL_SSL for clients and between brokers, SASL (PLAIN) for the controller. */
  const securedProperties = (sec: KafkaSecurity): string[] => {
    const admin = sec.users.admin;
    if (!admin) throw new Error("a secured broker needs an admin user");
    writeFileSync(
      join(dataDir, "listener.pem"),
      `${readFileSync(sec.keyFile, "utf8").trim()}\n${readFileSync(sec.certFile, "utf8").trim()}\n`,
      {
        mode: 0o600,
      },
    );
    const scramLogin = jaas("org.apache.kafka.common.security.scram.ScramLoginModule", "admin", admin);
    return [
      `listeners=${[`SASL_SSL://${host}:${port}`, ...extra.map((l) => `${l.name}://${host}:${l.port}`), `CONTROLLER://${host}:${controllerPort}`].join(",")}`,
      `advertised.listeners=${[`SASL_SSL://${host}:${port}`, ...extra.map((l) => `${l.name}://${host}:${l.advertisedPort}`)].join(",")}`,
      "controller.listener.names=CONTROLLER",
      "inter.broker.listener.name=SASL_SSL",
      `listener.security.protocol.map=${["SASL_SSL", ...extra.map((l) => l.name)].map((n) => `${n}:SASL_SSL`).join(",")},CONTROLLER:SASL_PLAINTEXT`,
      "sasl.enabled.mechanisms=SCRAM-SHA-512",
      "sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512",
      ...["SASL_SSL", ...extra.map((l) => l.name)].map(
        (n) => `listener.name.${n.toLowerCase()}.scram-sha-512.sasl.jaas.config=${scramLogin}`,
      ),
      "sasl.mechanism.controller.protocol=PLAIN",
      "listener.name.controller.sasl.enabled.mechanisms=PLAIN",
      `listener.name.controller.plain.sasl.jaas.config=${jaas("org.apache.kafka.common.security.plain.PlainLoginModule", "admin", admin, ` user_admin="${admin}"`)}`,
      "ssl.keystore.type=PEM",
      `ssl.keystore.location=${join(dataDir, "listener.pem")}`,
      "ssl.truststore.type=PEM",
      `ssl.truststore.location=${sec.caFile}`,
      "ssl.client.auth=none",
      "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
      "allow.everyone.if.no.acl.found=false",
      "super.users=User:admin",
    ];
  };

  const quorum = opts?.quorum;
  // Every record on min.insync.replicas members before it is acknowledged (producers send acks=all).
  const replication = (quorum?.size ?? 1) >= 3 ? { factor: 3, minInsync: 2 } : { factor: 1, minInsync: 1 };
  const serverProperties = (security: KafkaSecurity | undefined): string =>
    [
      "process.roles=broker,controller",
      `node.id=${quorum?.nodeId ?? 1}`,
      `controller.quorum.voters=${quorum?.voters ?? `1@${host}:${controllerPort}`}`,
      ...(security
        ? securedProperties(security)
        : [
            `listeners=${[`PLAINTEXT://${host}:${port}`, ...extra.map((l) => `${l.name}://${host}:${l.port}`), `CONTROLLER://${host}:${controllerPort}`].join(",")}`,
            `advertised.listeners=${[`PLAINTEXT://${host}:${port}`, ...extra.map((l) => `${l.name}://${host}:${l.advertisedPort}`)].join(",")}`,
            "controller.listener.names=CONTROLLER",
            "inter.broker.listener.name=PLAINTEXT",
            `listener.security.protocol.map=${["PLAINTEXT", "CONTROLLER", ...extra.map((l) => l.name)].map((n) => `${n}:PLAINTEXT`).join(",")}`,
          ]),
      `log.dirs=${join(dataDir, "data")}`,
      "num.partitions=3",
      // Topics are provisioned explicitly (inbound, dead-letter, tracking) as in production.
      "auto.create.topics.enable=false",
      `default.replication.factor=${replication.factor}`,
      `min.insync.replicas=${replication.minInsync}`,
      `offsets.topic.replication.factor=${replication.factor}`,
      "offsets.topic.num.partitions=6",
      `transaction.state.log.replication.factor=${replication.factor}`,
      `transaction.state.log.min.isr=${replication.minInsync}`,
      "group.initial.rebalance.delay.ms=0",
      "log.retention.hours=168",
      "",
    ].join("\n");

  const brokerAnswers = async (): Promise<boolean> => {
    if (!(await tcpOpen(host, port))) return false;
    const security = await securityOf();
    const auth = security
      ? {
          ssl: { ca: [readFileSync(security.caFile, "utf8")] },
          sasl: { mechanism: "scram-sha-512" as const, username: "admin", password: security.users.admin! },
        }
      : {};
    const admin = new Kafka({ brokers: [broker], logLevel: logLevel.NOTHING, retry: { retries: 0 }, ...auth }).admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      return cluster.brokers.length > 0 && cluster.controller !== null;
    } finally {
      await admin.disconnect();
    }
  };

  return {
    broker,
    brokers: [broker],
    logFile: proc.logFile,
    pid: () => readPid(proc),
    status: async () => (isAlive(readPid(proc)) && (await brokerAnswers().catch(() => false)) ? "running" : "stopped"),
    start: async () => {
      const security = await securityOf();
      // The storage is formatted for one set of SCRAM users (or none) and the properties name the
      // listeners: a broker set up otherwise (e.g. before it was secured) is stopped, and its
      // development data dropped and formatted again.
      const formatFile = join(dataDir, "format.json");
      const format = JSON.stringify({
        users: Object.entries(security?.users ?? {}).sort(([a], [b]) => a.localeCompare(b)),
        extra: extra.map((l) => l.name),
        cluster: quorum ? { id: quorum.clusterId(), voters: quorum.voters } : undefined,
      });
      const formattedAlike = existsSync(formatFile) && readFileSync(formatFile, "utf8") === format;
      if (isAlive(readPid(proc))) {
        if (formattedAlike) {
          await waitReady(proc, brokerAnswers, 60_000);
          return false;
        }
        console.log(`${proc.name}: running with other security settings; restarting it`);
        await stopProcess(proc, 30_000);
      }
      if (await tcpOpen(host, port)) {
        throw new Error(`Port ${port} is taken by another process; set TONGBAN_KAFKA_PORT or KAFKA_BROKERS.`);
      }
      ensureKafkaJars();
      mkdirSync(dataDir, { recursive: true });
      const props = join(dataDir, "server.properties");
      writeFileSync(props, serverProperties(security));
      const classpath = `${libsDir}/*`;
      const log4j = `-Dlog4j.configuration=file:${join(repoRoot, "deploy/local/kafka/log4j.properties")}`;
      if (existsSync(join(dataDir, "data")) && !formattedAlike) {
        console.log(`${proc.name}: storage formatted for other credentials; formatting ${join(dataDir, "data")} again`);
        rmSync(join(dataDir, "data"), { recursive: true, force: true });
      }
      if (!existsSync(join(dataDir, "data", "meta.properties"))) {
        const clusterId = quorum?.clusterId() ?? newClusterId();
        // A secured broker's SCRAM users exist from the start (KRaft keeps them in its metadata).
        const scram = Object.entries(security?.users ?? {}).flatMap(([name, password]) => [
          "--add-scram",
          `SCRAM-SHA-512=[name=${name},password=${password}]`,
        ]);
        run("java", ["-cp", classpath, log4j, "kafka.tools.StorageTool", "format", "-t", clusterId, "-c", props, ...scram], repoRoot);
        writeFileSync(formatFile, format, { mode: 0o600 });
      }
      spawnDetached(
        proc,
        "java",
        ["-Xms256m", quorum ? "-Xmx512m" : "-Xmx768m", "-XX:+UseG1GC", log4j, "-cp", classpath, "kafka.Kafka", props],
        repoRoot,
      );
      await waitReady(proc, brokerAnswers, 90_000);
      return true;
    },
    stop: () => stopProcess(proc, 30_000),
  };
}

/** Like Kafka's own Uuid.randomUuid: an id starting with '-' would be read as an option. */
function newClusterId(): string {
  let id = randomBytes(16).toString("base64url");
  while (id.startsWith("-")) id = randomBytes(16).toString("base64url");
  return id;
}

export interface KafkaClusterOptions {
  name: string;
  /** Member i (0-based) listens at port + 10·i, its controller at port + 10·i + 1. */
  port: number;
  /** Three members: every topic on three brokers, two in sync before a record is acknowledged. */
  size?: number;
  security?: KafkaSecurity | (() => Promise<KafkaSecurity>);
}

/** A local KRaft cluster: `size` processes, each broker and controller, from the same jars. */
export interface KafkaCluster {
  brokers: string[];
  members: KafkaInstance[];
  logFiles: string[];
  status(): Promise<"running" | "stopped">;
  /** Starts the members that are not running; returns true when this call started any. */
  start(): Promise<boolean>;
  stop(): Promise<boolean>;
}

export function kafkaCluster(o: KafkaClusterOptions): KafkaCluster {
  const size = o.size ?? 3;
  const ids = Array.from({ length: size }, (_, i) => i + 1);
  const voters = ids.map((id) => `${id}@${host}:${o.port + 10 * (id - 1) + 1}`).join(",");
  const idFile = join(stateDir, `${o.name}.cluster-id`);
  // One id for every member's storage, kept so a member formatted earlier still matches.
  const clusterId = () => {
    if (!existsSync(idFile)) {
      mkdirSync(stateDir, { recursive: true });
      writeFileSync(idFile, newClusterId());
    }
    return readFileSync(idFile, "utf8").trim();
  };
  const members = ids.map((nodeId) =>
    kafkaInstance({
      name: `${o.name}-${nodeId}`,
      port: o.port + 10 * (nodeId - 1),
      controllerPort: o.port + 10 * (nodeId - 1) + 1,
      ...(o.security ? { security: o.security } : {}),
      quorum: { nodeId, voters, clusterId, size },
    }),
  );
  return {
    brokers: members.map((m) => m.broker),
    members,
    logFiles: members.map((m) => m.logFile),
    status: async () => ((await Promise.all(members.map((m) => m.status()))).every((s) => s === "running") ? "running" : "stopped"),
    // Together: a member answers only once a majority of the controllers has elected a leader.
    start: async () => (await Promise.all(members.map((m) => m.start()))).some(Boolean),
    stop: async () => (await Promise.all(members.map((m) => m.stop()))).some(Boolean),
  };
}

/**
 * The development network's credentials: a SCRAM password per principal of the network (created
 * once, kept in `.run/kafka-users.json`, readable by this user only) and the broker's certificate
 * from the development PKI (Xiamen's CA issues it; every city's CA is in the trust bundle).
 */
export async function localKafkaSecurity(): Promise<KafkaSecurity> {
  const network = Network.load();
  await ensureDevPki(devPkiCities(network.nodes));
  const file = join(stateDir, "kafka-users.json");
  const wanted = networkPrincipals(network.nodes.map((n) => n.id));
  let users = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Record<string, string>) : {};
  if (!wanted.every((u) => typeof users[u] === "string")) {
    users = Object.fromEntries(wanted.map((u) => [u, randomBytes(18).toString("base64url")]));
    mkdirSync(stateDir, { recursive: true });
    writeFileSync(file, `${JSON.stringify(users, null, 2)}\n`, { mode: 0o600 });
  }
  const tls = identityFiles(defaultPkiDir, network.nodes[0]!.id, "broker", "main");
  return { users, certFile: tls.cert, keyFile: tls.key, caFile: trustBundlePath(defaultPkiDir) };
}

/** How the development network's processes reach a local broker or cluster secured with localKafkaSecurity. */
export async function localKafkaAccess({ brokers }: { brokers: string[] }): Promise<KafkaAccess> {
  const security = await localKafkaSecurity();
  return { brokers, caFile: security.caFile, users: security.users };
}

/** The shared development broker (TONGBAN_KAFKA_PORT, default 19092), secured with localKafkaSecurity(). */
export const sharedKafka = kafkaInstance({ name: "kafka", security: localKafkaSecurity });

/**
 * The development cluster `npm start` and `npm run infra` use when TONGBAN_KAFKA_CLUSTER=3:
 * three members from TONGBAN_KAFKA_CLUSTER_PORT (default 19192: 19192, 19202, 19212).
 */
export const sharedKafkaCluster = kafkaCluster({
  name: "kafka-cluster",
  port: Number(process.env.TONGBAN_KAFKA_CLUSTER_PORT ?? 19192),
  size: 3,
  security: localKafkaSecurity,
});
