import { fileURLToPath } from "node:url";
import { Bus, type Subscription } from "@tongban/bus";
import { type ConfigOf, Network, commonKeys, loadConfig } from "@tongban/config";
import { AuthorityQueueServiceService, type IdGenerator, topics } from "@tongban/contracts";
import { type ExchangeContext, openExchange } from "@tongban/exchange";
import { type Logger, createLogger } from "@tongban/log";
import { startGrpcServer } from "@tongban/rpc";
import { busConnection, dbNameOf, networkTopicSpecs, runMain, thisNode, tlsOf } from "@tongban/runtime";
import { inboundHandler } from "./inboundHandler";
import { QueueChanges } from "./queueChanges";
import { queueGrpc } from "./queueGrpc";

export const queueConfigSpec = { ...commonKeys };
export type QueueConfig = ConfigOf<typeof queueConfigSpec>;

export interface QueueOptions {
  config?: Partial<QueueConfig>;
  network?: Network;
  now?: () => Date;
  ids?: IdGenerator;
  logger?: Logger;
}

export interface RunningQueue {
  port: number;
  log: Logger;
  ctx: ExchangeContext;
  /** Stops consuming (committing what was written) without closing the rest: a crash-like stop for tests. */
  stopConsumer(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Composition root of the queue service: the consumer of the node's inbound topic (both the home
 * authorities' queue and the receiving side's view of the cases it sent) and the authority API.
 */
export async function startQueue(opts: QueueOptions = {}): Promise<RunningQueue> {
  const cfg = loadConfig(queueConfigSpec, process.env, opts.config);
  const network = opts.network ?? Network.load();
  const node = thisNode(network, cfg.node);
  const log = opts.logger ?? createLogger({ service: "queue", node: node.id, level: cfg.logLevel });

  const bus = new Bus(busConnection(cfg, `tongban-queue-${node.id}`), log);
  await bus.ensureTopics(networkTopicSpecs(cfg.topicPrefix, [node.id]));
  const changes = new QueueChanges();
  const exchange = await openExchange({
    mongoUri: cfg.mongoUri,
    dbName: dbNameOf(cfg),
    nodeId: node.id,
    topicPrefix: cfg.topicPrefix,
    bus,
    relayRole: "home",
    log,
    onChange: (doc, kind) => changes.publish(doc, kind),
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.ids ? { ids: opts.ids } : {}),
  });

  const grpc = await startGrpcServer({
    host: cfg.grpcHost,
    port: cfg.grpcPort ?? node.ports.queue,
    tls: tlsOf(cfg),
    services: [
      { name: "tongban.v1.AuthorityQueueService", definition: AuthorityQueueServiceService, implementation: queueGrpc(exchange.ctx, changes, log) },
    ],
  });

  let subscription: Subscription | undefined = await bus.consume({
    groupId: `${cfg.topicPrefix}.${node.id}.queue`,
    topics: [topics.inbound(cfg.topicPrefix, node.id)],
    deadLetterTopic: topics.deadLetter(cfg.topicPrefix, node.id),
    handle: inboundHandler(exchange.ctx, log),
  });
  log.info({ address: grpc.address }, "queue listening");

  const stopConsumer = async () => {
    await subscription?.stop();
    subscription = undefined;
  };
  return {
    port: grpc.port,
    log,
    ctx: exchange.ctx,
    stopConsumer,
    stop: async () => {
      grpc.setServing(false);
      await stopConsumer();
      await grpc.stop();
      await exchange.close();
      await bus.close();
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) runMain("queue", () => startQueue());
