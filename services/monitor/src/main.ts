import { fileURLToPath } from "node:url";
import { Bus, PoisonMessage, type Subscription, readRecords } from "@tongban/bus";
import { WorkingDayCalendar } from "@tongban/calendar";
import { type ConfigOf, Network, commonKeys, defaultNetworkFile, loadConfig } from "@tongban/config";
import { TrackingEvent, topics, ulidGenerator } from "@tongban/contracts";
import { type Logger, createLogger } from "@tongban/log";
import { busConnection, networkTopicSpecs, runMain } from "@tongban/runtime";
import { connectMongo } from "@tongban/store";
import { z } from "zod";
import { DeadLetterStore } from "./adapters/deadLetterStore";
import { OpsProbe } from "./adapters/opsProbe";
import { TrackingStore } from "./adapters/trackingStore";
import { CaseBook } from "./domain/caseBook";
import { toDeadLetter } from "./domain/deadLetter";
import type { DeadlineCalendar } from "./domain/deadlineReport";
import { toTrackingRecord } from "./domain/trackingRecord";
import { LiveEvents } from "./http/liveEvents";
import { monitorApi } from "./http/monitorApi";
import { MonitorViews } from "./monitorViews";
import { Replayer } from "./replayer";

export const monitorConfigSpec = {
  topicPrefix: commonKeys.topicPrefix,
  kafkaBrokers: commonKeys.kafkaBrokers,
  kafkaSsl: commonKeys.kafkaSsl,
  kafkaSaslMechanism: commonKeys.kafkaSaslMechanism,
  kafkaSaslUsername: commonKeys.kafkaSaslUsername,
  kafkaSaslPassword: commonKeys.kafkaSaslPassword,
  mongoUri: commonKeys.mongoUri,
  mongoDb: { env: "MONITOR_MONGODB_DB", doc: "the monitor's own database", schema: z.string().min(1).default("tongban_monitor") },
  httpHost: { env: "MONITOR_HTTP_HOST", doc: "address the dashboard and its API bind to", schema: z.string().default("127.0.0.1") },
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
  logLevel: commonKeys.logLevel,
};
export type MonitorConfig = ConfigOf<typeof monitorConfigSpec>;

export interface MonitorOptions {
  config?: Partial<MonitorConfig>;
  network?: Network;
  /** The clock the views and deadlines use (tests move it forward). */
  now?: () => Date;
  calendar?: DeadlineCalendar;
  logger?: Logger;
}

export interface RunningMonitor {
  url: string;
  port: number;
  log: Logger;
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
  const log = opts.logger ?? createLogger({ service: "monitor", level: cfg.logLevel });
  const now = opts.now ?? (() => new Date());
  const prefix = cfg.topicPrefix;
  const nodeIds = network.nodes.map((n) => n.id);

  // busConnection reads only the Kafka keys of the common configuration.
  const conn = busConnection(cfg as unknown as Parameters<typeof busConnection>[0], "tongban-monitor");
  const bus = new Bus(conn, log);
  const ownDlq = `${prefix}.monitor.dlq`;
  await bus.ensureTopics([...networkTopicSpecs(prefix, nodeIds), { topic: ownDlq, partitions: 1 }]);
  const mongo = await connectMongo(cfg.mongoUri, cfg.mongoDb);
  const [tracking, deadLetters] = await Promise.all([TrackingStore.open(mongo.db), DeadLetterStore.open(mongo.db)]);

  const book = new CaseBook();
  for await (const r of tracking.all()) book.add(r);
  const live = new LiveEvents();
  const dlqGroup = `${prefix}.monitor.dlq`;
  const trackingGroup = `${prefix}.monitor.tracking`;
  const replayer = new Replayer({
    store: deadLetters,
    publish: (records) => bus.publish(records),
    read: (topic, partition, offsets) => readRecords(conn, log, topic, partition, offsets),
    lag: (group, topic) => bus.lag(group, topic),
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
        let record;
        try {
          record = toTrackingRecord(TrackingEvent.decode(rec.value ?? Buffer.alloc(0)));
        } catch (err) {
          throw new PoisonMessage(`undecodable tracking event: ${(err as Error).message}`, "UNDECODABLE");
        }
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
        const dl = toDeadLetter(node, rec, now(), `${prefix}.${node}.node`);
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
  const probe = new OpsProbe(network, prefix, (g, t) => bus.lag(g, t), [
    { node: "monitor", group: trackingGroup, topic: topics.tracking(prefix) },
    ...[...dlqTopicOf].map(([topic, node]) => ({ node, group: dlqGroup, topic })),
  ]);
  const app = await monitorApi({ views, replayer, probe, live, log });
  await app.listen({ host: cfg.httpHost, port: cfg.httpPort });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : cfg.httpPort;
  const url = `http://${cfg.httpHost}:${port}/`;
  log.info({ url, cases: book.size }, "monitor listening");

  return {
    url,
    port,
    log,
    stop: async () => {
      replayer.stop();
      live.close();
      await app.close();
      for (const s of subscriptions) await s.stop();
      await bus.close();
      await mongo.close();
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) runMain("monitor", () => startMonitor());
