import { fileURLToPath } from "node:url";
import { Bus } from "@tongban/bus";
import { homeDepartment, item as catalogItem } from "@tongban/catalog";
import { type ConfigOf, Network, commonKeys, loadConfig } from "@tongban/config";
import { type IdGenerator, IntakeServiceService } from "@tongban/contracts";
import { type ExchangeContext, openExchange } from "@tongban/exchange";
import { type Logger, createLogger } from "@tongban/log";
import { startGrpcServer } from "@tongban/rpc";
import { busConnection, dbNameOf, networkTopicSpecs, runMain, thisNode, tlsOf } from "@tongban/runtime";
import type { OutboxRelay } from "@tongban/store";
import type { CatalogPort } from "./domain/validateSubmission";
import { intakeGrpc } from "./intakeGrpc";

export const intakeConfigSpec = { ...commonKeys };
export type IntakeConfig = ConfigOf<typeof intakeConfigSpec>;

export interface IntakeOptions {
  config?: Partial<IntakeConfig>;
  network?: Network;
  now?: () => Date;
  ids?: IdGenerator;
  logger?: Logger;
}

export interface RunningIntake {
  port: number;
  log: Logger;
  relay: OutboxRelay;
  ctx: ExchangeContext;
  stop(): Promise<void>;
}

/** The catalog as intake sees it: item eligibility and the department handling it per city. */
export const catalogPort: CatalogPort = {
  item: (code) => catalogItem(code),
  homeDepartment: (code, nodeId) => homeDepartment(code, nodeId)?.code,
};

/** Composition root: config → logger → clients → servers → listen; stop undoes it in reverse. */
export async function startIntake(opts: IntakeOptions = {}): Promise<RunningIntake> {
  const cfg = loadConfig(intakeConfigSpec, process.env, opts.config);
  const network = opts.network ?? Network.load();
  const node = thisNode(network, cfg.node);
  const log = opts.logger ?? createLogger({ service: "intake", node: node.id, level: cfg.logLevel });

  const bus = new Bus(busConnection(cfg, `tongban-intake-${node.id}`), log);
  await bus.ensureTopics(networkTopicSpecs(cfg.topicPrefix, [node.id]));
  const exchange = await openExchange({
    mongoUri: cfg.mongoUri,
    dbName: dbNameOf(cfg),
    nodeId: node.id,
    topicPrefix: cfg.topicPrefix,
    bus,
    relayRole: "receiving",
    log,
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.ids ? { ids: opts.ids } : {}),
  });

  const grpc = await startGrpcServer({
    host: cfg.grpcHost,
    port: cfg.grpcPort ?? node.ports.intake,
    tls: tlsOf(cfg),
    services: [
      {
        name: "tongban.v1.IntakeService",
        definition: IntakeServiceService,
        implementation: intakeGrpc({ ctx: exchange.ctx, node, network, catalog: catalogPort }, log),
      },
    ],
  });
  log.info({ address: grpc.address }, "intake listening");

  return {
    port: grpc.port,
    log,
    relay: exchange.relay,
    ctx: exchange.ctx,
    stop: async () => {
      await grpc.stop();
      await exchange.close();
      await bus.close();
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) runMain("intake", () => startIntake());
