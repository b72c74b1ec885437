import { fileURLToPath } from "node:url";
import { Bus, type Subscription } from "@tongban/bus";
import { type ConfigOf, Network, commonKeys, loadConfig } from "@tongban/config";
import { AuthorityQueueServiceService, type IdGenerator, IntakeServiceService, topics } from "@tongban/contracts";
import { type ExchangeContext, openExchange } from "@tongban/exchange";
import { catalogPort, intakeGrpc } from "@tongban/intake";
import { type Logger, createLogger } from "@tongban/log";
import { QueueChanges, inboundHandler, queueGrpc } from "@tongban/queue";
import { type RunningGrpcServer, startGrpcServer } from "@tongban/rpc";
import { busConnection, dbNameOf, networkTopicSpecs, runMain, thisNode, tlsOf } from "@tongban/runtime";
import type { OutboxRelay } from "@tongban/store";
import { z } from "zod";

export const nodeConfigSpec = {
  ...commonKeys,
  intakePort: {
    env: "INTAKE_GRPC_PORT",
    doc: "intake API port; default from deploy/network.json, 0 picks a free one",
    schema: z.coerce.number().int().min(0).optional(),
  },
  queuePort: {
    env: "QUEUE_GRPC_PORT",
    doc: "authority queue API port; default from deploy/network.json, 0 picks a free one",
    schema: z.coerce.number().int().min(0).optional(),
  },
};
export type NodeServiceConfig = ConfigOf<typeof nodeConfigSpec>;

export interface NodeOptions {
  config?: Partial<NodeServiceConfig>;
  network?: Network;
  now?: () => Date;
  ids?: IdGenerator;
  logger?: Logger;
}

export interface RunningNode {
  nodeId: string;
  intakePort: number;
  queuePort: number;
  log: Logger;
  ctx: ExchangeContext;
  relay: OutboxRelay;
  /** Stops consuming without stopping the rest (what a crashed consumer looks like to the group). */
  stopConsumer(): Promise<void>;
  /** Starts consuming again after stopConsumer. */
  startConsumer(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Composition root of a city's exchange node: config → logger → Kafka and store → intake API
 * (window systems) + authority queue API + the consumer of the node's inbound topic.
 * The node process owns every write to its case documents; see KeyedMutex.
 */
export async function startNode(opts: NodeOptions = {}): Promise<RunningNode> {
  const cfg = loadConfig(nodeConfigSpec, process.env, opts.config);
  const network = opts.network ?? Network.load();
  const node = thisNode(network, cfg.node);
  const log = opts.logger ?? createLogger({ service: "node", node: node.id, level: cfg.logLevel });

  const bus = new Bus(busConnection(cfg, `tongban-node-${node.id}`), log);
  await bus.ensureTopics(networkTopicSpecs(cfg.topicPrefix, [node.id]));
  const changes = new QueueChanges();
  const exchange = await openExchange({
    mongoUri: cfg.mongoUri,
    dbName: dbNameOf(cfg),
    nodeId: node.id,
    topicPrefix: cfg.topicPrefix,
    bus,
    log,
    onChange: (doc, kind) => changes.publish(doc, kind),
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.ids ? { ids: opts.ids } : {}),
  });
  const { ctx } = exchange;
  const tls = tlsOf(cfg);

  const servers: RunningGrpcServer[] = [];
  const intake = await startGrpcServer({
    host: cfg.grpcHost,
    port: cfg.intakePort ?? node.ports.intake,
    tls,
    services: [
      {
        name: "tongban.v1.IntakeService",
        definition: IntakeServiceService,
        implementation: intakeGrpc({ ctx, node, network, catalog: catalogPort }, log.child({ api: "intake" })),
      },
    ],
  });
  servers.push(intake);
  const queue = await startGrpcServer({
    host: cfg.grpcHost,
    port: cfg.queuePort ?? node.ports.queue,
    tls,
    services: [
      {
        name: "tongban.v1.AuthorityQueueService",
        definition: AuthorityQueueServiceService,
        implementation: queueGrpc(ctx, changes, log.child({ api: "queue" })),
      },
    ],
  });
  servers.push(queue);

  let subscription: Subscription | undefined;
  const startConsumer = async () => {
    subscription ??= await bus.consume({
      groupId: `${cfg.topicPrefix}.${node.id}.node`,
      topics: [topics.inbound(cfg.topicPrefix, node.id)],
      deadLetterTopic: topics.deadLetter(cfg.topicPrefix, node.id),
      handle: inboundHandler(ctx, log),
    });
  };
  const stopConsumer = async () => {
    await subscription?.stop();
    subscription = undefined;
  };
  await startConsumer();
  log.info({ intake: intake.address, queue: queue.address }, "exchange node listening");

  return {
    nodeId: node.id,
    intakePort: intake.port,
    queuePort: queue.port,
    log,
    ctx,
    relay: exchange.relay,
    stopConsumer,
    startConsumer,
    stop: async () => {
      for (const s of servers) s.setServing(false);
      await stopConsumer();
      await Promise.all(servers.map((s) => s.stop()));
      await exchange.close();
      await bus.close();
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) runMain("node", () => startNode());
