import { fileURLToPath } from "node:url";
import { Bus, type Subscription } from "@tongban/bus";
import { type ConfigOf, Network, commonKeys, loadConfig } from "@tongban/config";
import { AuthorityQueueServiceService, topics } from "@tongban/contracts";
import { type Logger, createLogger } from "@tongban/log";
import { startGrpcServer } from "@tongban/rpc";
import { busConnection, dbNameOf, networkTopicSpecs, runMain, thisNode, tlsOf } from "@tongban/runtime";
import { connectMongo } from "@tongban/store";
import { inboundHandler } from "./inboundHandler";
import { INBOX, type InboxEntry, QUEUE, type QueueItem, ensureQueueIndexes } from "./queueItems";
import { queueGrpc } from "./queueGrpc";

export const queueConfigSpec = { ...commonKeys };
export type QueueConfig = ConfigOf<typeof queueConfigSpec>;

export interface QueueOptions {
  config?: Partial<QueueConfig>;
  network?: Network;
  now?: () => Date;
  logger?: Logger;
}

export interface RunningQueue {
  port: number;
  log: Logger;
  stop(): Promise<void>;
}

/** Composition root of the queue service: consumer of the node's inbound topic + authority API. */
export async function startQueue(opts: QueueOptions = {}): Promise<RunningQueue> {
  const cfg = loadConfig(queueConfigSpec, process.env, opts.config);
  const network = opts.network ?? Network.load();
  const node = thisNode(network, cfg.node);
  const log = opts.logger ?? createLogger({ service: "queue", node: node.id, level: cfg.logLevel });
  const now = opts.now ?? (() => new Date());

  const mongo = await connectMongo(cfg.mongoUri, dbNameOf(cfg));
  await ensureQueueIndexes(mongo.db);
  const queue = mongo.db.collection<QueueItem>(QUEUE);
  const inbox = mongo.db.collection<InboxEntry>(INBOX);

  const bus = new Bus(busConnection(cfg, `tongban-queue-${node.id}`), log);
  await bus.ensureTopics(networkTopicSpecs(cfg.topicPrefix, [node.id]));

  const grpc = await startGrpcServer({
    host: cfg.grpcHost,
    port: cfg.grpcPort ?? node.ports.queue,
    tls: tlsOf(cfg),
    services: [{ name: "tongban.v1.AuthorityQueueService", definition: AuthorityQueueServiceService, implementation: queueGrpc(queue, log) }],
  });

  const subscription: Subscription = await bus.consume({
    groupId: `${cfg.topicPrefix}.${node.id}.queue`,
    topics: [topics.inbound(cfg.topicPrefix, node.id)],
    deadLetterTopic: topics.deadLetter(cfg.topicPrefix, node.id),
    handle: inboundHandler({ nodeId: node.id, queue, inbox, now, log }),
  });
  log.info({ address: grpc.address }, "queue listening");

  return {
    port: grpc.port,
    log,
    stop: async () => {
      grpc.setServing(false);
      await subscription.stop();
      await grpc.stop();
      await bus.close();
      await mongo.close();
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) runMain("queue", () => startQueue());
