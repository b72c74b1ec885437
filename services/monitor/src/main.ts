import { registerCities } from "@tongban/catalog";
import { fileURLToPath } from "node:url";
import { Bus, PoisonMessage, type Subscription, readRecords } from "@tongban/bus";
import { WorkingDayCalendar } from "@tongban/calendar";
import { type ConfigOf, Network, bool, commonKeys, defaultNetworkFile, kafkaKeys, loadConfig } from "@tongban/config";
import { TrackingEvent, encodeTracking, groups, signatureFaultReasons, topics, ulidGenerator } from "@tongban/contracts";
import { spiffeUri } from "@tongban/identity";
import { type Logger, createLogger } from "@tongban/log";
import { callerOf, transportOf } from "@tongban/rpc";
import { busConnection, runMain, trustOf } from "@tongban/runtime";
import { RetentionJob, connectMongo, expiredBefore } from "@tongban/store";
import { z } from "zod";
import { DeadLetterStore } from "./adapters/deadLetterStore";
import { OpsProbe } from "./adapters/opsProbe";
import { TrackingStore } from "./adapters/trackingStore";
import { CaseBook } from "./domain/caseBook";
import { toDeadLetter } from "./domain/deadLetter";
import type { DeadlineCalendar } from "./domain/deadlineReport";
import type { CalendarCoverage } from "./domain/calendarAlerts";
import { toTrackingRecord } from "./domain/trackingRecord";
import { HttpAccess } from "./http/httpAccess";
import { LiveEvents } from "./http/liveEvents";
import { isLoopbackHost, isWildcardHost } from "./http/loopback";
import { monitorApi } from "./http/monitorApi";
import { OperatorTokens } from "./http/operatorTokens";
import { MonitorViews } from "./monitorViews";
import { Replayer } from "./replayer";

/** `city=value,city=value` (a value may hold "=", as URLs do). */
const cityMap = z
  .string()
  .optional()
  .superRefine((s, ctx) => {
    for (const entry of (s ?? "").split(",").filter((e) => e.trim())) {
      if (!/^\s*[a-z0-9-]+\s*=\s*\S/.test(entry)) ctx.addIssue({ code: "custom", message: `"${entry}" is not city=value` });
    }
  })
  .transform((s) =>
    Object.fromEntries(
      (s ?? "")
        .split(",")
        .filter((e) => e.trim())
        .map((e) => [e.slice(0, e.indexOf("=")).trim(), e.slice(e.indexOf("=") + 1).trim()]),
    ),
  );

export const monitorConfigSpec = {
  ...kafkaKeys,
  mongoUri: commonKeys.mongoUri,
  mongoDb: { env: "MONITOR_MONGODB_DB", doc: "the monitor's own database", schema: z.string().min(1).default("tongban_monitor") },
  httpHost: {
    env: "MONITOR_HTTP_HOST",
    doc: "address the dashboard and its API bind to; any but a loopback address requires operators to log in (MONITOR_OPERATOR_JWKS)",
    schema: z.string().default("127.0.0.1"),
  },
  httpPort: {
    env: "MONITOR_HTTP_PORT",
    doc: "dashboard and API port; 0 picks a free one",
    schema: z.coerce.number().int().min(0).max(65_535).default(8080),
  },
  networkFile: {
    env: "TONGBAN_NETWORK_FILE",
    doc: "the network file listing the nodes to watch (default deploy/network.json)",
    schema: z.string().optional(),
  },
  dueSoonDays: {
    env: "MONITOR_DUE_SOON_DAYS",
    doc: "a case with at most this many working days left on its running time limit is due soon",
    schema: z.coerce.number().int().min(0).default(2),
  },
  materialsDays: {
    env: "MONITOR_MATERIALS_DAYS",
    doc: "paper materials not signed for this many working days after electronic receipt are late",
    schema: z.coerce.number().int().min(0).default(3),
  },
  operatorJwks: {
    env: "MONITOR_OPERATOR_JWKS",
    doc: "identity providers whose operators (role operator) may log in, city=<JWKS file or http(s) URL>,… (e.g. xiamen=.run/pki/xiamen/idp.jwks.json); required unless MONITOR_HTTP_HOST is a loopback address",
    schema: cityMap,
  },
  operatorIssuers: {
    env: "MONITOR_OPERATOR_ISSUERS",
    doc: "issuer (iss) of each city's operator tokens, city=<issuer>,…; default urn:tongban:idp:<city>",
    schema: cityMap,
  },
  allowedOrigins: {
    env: "MONITOR_ALLOWED_ORIGINS",
    doc: "comma-separated origins (scheme://host:port) allowed to send state-changing requests; default the monitor's own http://<host>:<port> (on loopback also via 127.0.0.1, localhost and [::1]); required on a wildcard bind (0.0.0.0, ::)",
    schema: z
      .string()
      .optional()
      .superRefine((s, ctx) => {
        for (const o of (s ?? "").split(",").filter((x) => x.trim())) {
          if (!URL.canParse(o.trim()) || !/^https?:$/.test(new URL(o.trim()).protocol))
            ctx.addIssue({ code: "custom", message: `"${o}" is not an http(s) origin` });
        }
      })
      .transform((s) =>
        (s ?? "")
          .split(",")
          .map((x) => x.trim())
          .filter(Boolean)
          .map((x) => new URL(x).origin),
      ),
  },
  city: {
    env: "MONITOR_CITY",
    doc: "city whose operators run this monitor; its gRPC identity is spiffe://tongban/<city>/operator/monitor (default the network file's first node)",
    schema: z.string().optional(),
  },
  trackingRetentionDays: {
    env: "MONITOR_TRACKING_RETENTION_DAYS",
    doc: "days a finished case's tracking records (closed, rated, not accepted, withdrawn) are kept after its last step",
    schema: z.coerce.number().int().min(1).default(365),
  },
  deadLetterRetentionDays: {
    env: "MONITOR_DEAD_LETTER_RETENTION_DAYS",
    doc: "days dead letters, their replays and replay outcomes are kept",
    schema: z.coerce.number().int().min(1).default(90),
  },
  healthHost: {
    env: "MONITOR_HEALTH_HOST",
    doc: "host at which the monitor asks each service's grpc.health; `{node}` is replaced by the city and `{process}` by `node` (intake and queue APIs) or `certs` (the registry), e.g. `{process}-{node}` in containers",
    schema: z.string().min(1).default("localhost"),
  },
  rebuild: {
    env: "MONITOR_REBUILD",
    doc: "at start, drop the stored tracking records and read the tracking topic again from its earliest record (rebuild)",
    schema: bool,
  },
  retentionIntervalMs: {
    env: "RETENTION_INTERVAL_MS",
    doc: "how often expired data is removed",
    schema: z.coerce.number().int().min(1_000).default(3_600_000),
  },
  grpcTlsCert: commonKeys.grpcTlsCert,
  grpcTlsKey: commonKeys.grpcTlsKey,
  grpcTlsCa: commonKeys.grpcTlsCa,
  grpcInsecure: commonKeys.grpcInsecure,
  logLevel: commonKeys.logLevel,
};
export type MonitorConfig = ConfigOf<typeof monitorConfigSpec>;

export interface MonitorOptions {
  config?: Partial<MonitorConfig>;
  network?: Network;
  /** The clock the views and deadlines use (tests move it forward). */
  now?: () => Date;
  calendar?: DeadlineCalendar & CalendarCoverage;
  logger?: Logger;
}

export interface RunningMonitor {
  url: string;
  port: number;
  log: Logger;
  /** The prune job of expired tracking records and dead letters (runs every RETENTION_INTERVAL_MS). */
  retention: RetentionJob;
  stop(): Promise<void>;
}

/**
 * Composition root of the operators' monitor: config → logger → store and Kafka → the tracking
 * and dead-letter consumers feeding the case book → the dashboard, its JSON API and live events.
 * It reads only metadata-only tracking events and dead-letter headers; it stores no message value.
 */
export async function startMonitor(opts: MonitorOptions = {}): Promise<RunningMonitor> {
  const cfg = loadConfig(monitorConfigSpec, process.env, opts.config);
  const network = opts.network ?? Network.load(cfg.networkFile ?? defaultNetworkFile);
  registerCities(network.nodes);
  const log = opts.logger ?? createLogger({ service: "monitor", level: cfg.logLevel });
  const now = opts.now ?? (() => new Date());
  const prefix = cfg.topicPrefix;
  const nodeIds = network.nodes.map((n) => n.id);
  const trust = trustOf(network);
  // Everything that can refuse the configuration does so before any connection is opened.
  const access = httpAccessOf(cfg, nodeIds, log);
  const city = cfg.city ?? nodeIds[0]!;
  if (!nodeIds.includes(city)) throw new Error(`MONITOR_CITY=${city} is not in the network file (known: ${nodeIds.join(", ")})`);
  const caller = callerOf(transportOf(cfg, log), spiffeUri(city, "operator", "monitor"));

  // busConnection reads only the Kafka keys of the common configuration.
  const conn = busConnection(cfg, "tongban-monitor");
  const bus = new Bus(conn, log);
  const ownDlq = topics.monitorDeadLetter(prefix);
  // What the monitor reads and writes: tracking, every node's dead letters, its own dead-letter topic
  // and the inbound topics replays go to (it has no rights on the others, so cannot see them).
  await bus.requireTopics([
    topics.tracking(prefix),
    ownDlq,
    ...nodeIds.flatMap((n) => [topics.deadLetter(prefix, n), topics.inbound(prefix, n)]),
  ]);
  const mongo = await connectMongo(cfg.mongoUri, cfg.mongoDb);
  log.info({ store: mongo.features }, "store features");
  const [tracking, deadLetters] = await Promise.all([TrackingStore.open(mongo.db), DeadLetterStore.open(mongo.db)]);

  const trackingGroup = groups.monitorTracking(prefix);
  if (cfg.rebuild) {
    // Rebuilt from the tracking topic: what the topic still holds (its retention) comes back.
    const dropped = await tracking.clear();
    await bus.rewind(trackingGroup, topics.tracking(prefix));
    log.info({ dropped }, "rebuilding the tracking records from the tracking topic");
  }
  const book = new CaseBook();
  for await (const r of tracking.all()) book.add(r);
  const live = new LiveEvents();
  const dlqGroup = groups.monitorDeadLetters(prefix);
  const replayer = new Replayer({
    store: deadLetters,
    publish: (records) => bus.publish(records),
    read: (topic, partition, offsets) => readRecords(conn, log, topic, partition, offsets),
    lag: (group, topic) => bus.lag(group, topic),
    inbound: (node) => ({ topic: topics.inbound(prefix, node), group: groups.inbound(prefix, node) }),
    monitorDlq: (node) => ({ group: dlqGroup, topic: topics.deadLetter(prefix, node) }),
    ids: ulidGenerator,
    now,
    log: log.child({ component: "replay" }),
    onChange: () => live.notify(),
  });
  await replayer.start();

  const subscriptions: Subscription[] = [];
  subscriptions.push(
    await bus.consume({
      groupId: trackingGroup,
      topics: [topics.tracking(prefix)],
      deadLetterTopic: ownDlq,
      handle: async (rec) => {
        let event: TrackingEvent;
        try {
          event = TrackingEvent.decode(rec.value ?? Buffer.alloc(0));
        } catch (err) {
          throw new PoisonMessage(`undecodable tracking event: ${(err as Error).message}`, "UNDECODABLE");
        }
        // Only a node of the network reports steps, signed like its envelopes.
        if (!nodeIds.includes(event.reportedBy)) {
          throw new PoisonMessage(`tracking event from '${event.reportedBy.slice(0, 64)}', not a node of the network`, "UNKNOWN_SOURCE");
        }
        const fault = trust.check(event, encodeTracking, `node:${event.reportedBy}`);
        if (fault) throw new PoisonMessage(`${signatureFaultReasons[fault]}: tracking event from ${event.reportedBy}`, fault);
        const record = toTrackingRecord(event);
        if (!record) throw new PoisonMessage("tracking event without tracking, case or node id", "UNDECODABLE");
        await tracking.insert(record);
        book.add(record);
        await replayer.onTracking(record);
        live.notify();
      },
    }),
  );
  const dlqTopicOf = new Map(nodeIds.map((id) => [topics.deadLetter(prefix, id), id]));
  subscriptions.push(
    await bus.consume({
      groupId: dlqGroup,
      topics: [...dlqTopicOf.keys()],
      deadLetterTopic: ownDlq,
      handle: async (rec) => {
        const node = dlqTopicOf.get(rec.topic)!;
        const dl = toDeadLetter(node, rec, now(), groups.inbound(prefix, node));
        await deadLetters.insertDeadLetter(dl);
        await replayer.onDeadLetter(dl);
        live.notify();
      },
    }),
  );

  const calendar = opts.calendar ?? WorkingDayCalendar.default();
  const views = new MonitorViews({
    book,
    tracking,
    deadLetters,
    network,
    calendar,
    policy: { dueSoonDays: cfg.dueSoonDays, materialsDays: cfg.materialsDays },
    now,
  });
  let progress: NodeJS.Timeout | undefined;
  if (cfg.rebuild) {
    // Progress of the rebuild: what the tracking consumer still has to read, until it caught up.
    progress = setInterval(() => {
      void bus.lag(trackingGroup, topics.tracking(prefix)).then(
        (left) => {
          log.info({ left, cases: book.size }, left === 0 ? "rebuilt from the tracking topic" : "rebuilding from the tracking topic");
          if (left === 0) clearInterval(progress);
        },
        () => undefined,
      );
    }, 2_000);
    progress.unref();
  }
  const probe = new OpsProbe(
    network,
    prefix,
    (g, t) => bus.lag(g, t),
    [
      { node: "monitor", group: trackingGroup, topic: topics.tracking(prefix) },
      ...[...dlqTopicOf].map(([topic, node]) => ({ node, group: dlqGroup, topic })),
    ],
    caller,
    cfg.healthHost,
  );
  const app = await monitorApi({ views, replayer, probe, live, access, log });
  await app.listen({ host: cfg.httpHost, port: cfg.httpPort });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : cfg.httpPort;
  const url = `http://${cfg.httpHost}:${port}/`;
  log.info({ url, cases: book.size, loginRequired: access.loginRequired }, "monitor listening");
  // Data retention (数据保留): finished cases' tracking and old dead letters expire. Tracking goes
  // by case (a case's records all at once, when it has been finished long enough), so the prune
  // job removes it on every store; dead letters expire by a TTL index where the store has them.
  const deadLettersByTtl = await deadLetters.expireByTtl(mongo.db, mongo.features, cfg.deadLetterRetentionDays);
  const retention = new RetentionJob(
    async () => {
      const expired = book.expired(expiredBefore(now(), cfg.trackingRetentionDays));
      for (const id of expired) book.remove(id);
      const records = await tracking.deleteCases(expired);
      const letters = deadLettersByTtl ? {} : await deadLetters.deleteBefore(expiredBefore(now(), cfg.deadLetterRetentionDays));
      return { cases: expired.length, records, ...letters };
    },
    cfg.retentionIntervalMs,
    log.child({ component: "retention" }),
  );
  retention.start();

  return {
    url,
    port,
    log,
    retention,
    stop: async () => {
      clearInterval(progress);
      await retention.stop();
      replayer.stop();
      live.close();
      await app.close();
      for (const s of subscriptions) await s.stop();
      await bus.close();
      await mongo.close();
    },
  };
}

/**
 * The access checks of the configured bind: login with operators' tokens of the configured cities
 * unless the monitor binds to loopback, and the origins allowed to change anything.
 */
function httpAccessOf(cfg: MonitorConfig, nodeIds: readonly string[], log: Logger): HttpAccess {
  for (const c of [...Object.keys(cfg.operatorJwks), ...Object.keys(cfg.operatorIssuers)]) {
    if (!nodeIds.includes(c))
      throw new Error(`MONITOR_OPERATOR_JWKS/ISSUERS: ${c} is not a city of the network (known: ${nodeIds.join(", ")})`);
  }
  if (isWildcardHost(cfg.httpHost) && cfg.allowedOrigins.length === 0) {
    throw new Error(
      `MONITOR_HTTP_HOST=${cfg.httpHost} binds every interface, so the address operators open is unknown: set MONITOR_ALLOWED_ORIGINS (e.g. http://monitor.example.gov.cn:8080)`,
    );
  }
  const idps = Object.entries(cfg.operatorJwks).map(([c, jwks]) => ({
    city: c,
    jwks,
    ...(cfg.operatorIssuers[c] ? { issuer: cfg.operatorIssuers[c] } : {}),
  }));
  const operators = idps.length > 0 ? new OperatorTokens(idps) : undefined;
  if (!isLoopbackHost(cfg.httpHost)) log.info({ cities: operators?.cities }, "monitor on a non-loopback address: operators log in");
  return new HttpAccess({
    host: cfg.httpHost,
    ...(operators ? { operators } : {}),
    ...(cfg.allowedOrigins.length > 0 ? { allowedOrigins: cfg.allowedOrigins } : {}),
    log: log.child({ component: "access" }),
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) runMain("monitor", () => startMonitor());
