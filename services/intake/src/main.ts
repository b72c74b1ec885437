import { fileURLToPath } from "node:url";
import { Bus } from "@tongban/bus";
import { homeDepartment, item as catalogItem } from "@tongban/catalog";
import { type ConfigOf, Network, commonKeys, loadConfig } from "@tongban/config";
import { IntakeServiceService, type IdGenerator, ulidGenerator } from "@tongban/contracts";
import { type Logger, createLogger } from "@tongban/log";
import { startGrpcServer } from "@tongban/rpc";
import { busConnection, dbNameOf, networkTopicSpecs, runMain, thisNode, tlsOf } from "@tongban/runtime";
import { OutboxRelay, connectMongo } from "@tongban/store";
import type { CatalogPort } from "./domain/validateSubmission";
import { intakeGrpc } from "./intakeGrpc";
import { SENT_CASES, type SentCase, ensureSentCaseIndexes } from "./sentCases";

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

  const mongo = await connectMongo(cfg.mongoUri, dbNameOf(cfg));
  await ensureSentCaseIndexes(mongo.db);
  const cases = mongo.db.collection<SentCase>(SENT_CASES);

  const bus = new Bus(busConnection(cfg, `tongban-intake-${node.id}`), log);
  await bus.ensureTopics(networkTopicSpecs(cfg.topicPrefix, [node.id]));
  const relay = new OutboxRelay(mongo.db.collection(SENT_CASES), (records) => bus.publish(records), log.child({ component: "outbox" }));
  relay.start();

  const grpc = await startGrpcServer({
    host: cfg.grpcHost,
    port: cfg.grpcPort ?? node.ports.intake,
    tls: tlsOf(cfg),
    services: [
      {
        name: "tongban.v1.IntakeService",
        definition: IntakeServiceService,
        implementation: intakeGrpc(
          {
            node,
            network,
            catalog: catalogPort,
            cases,
            topicPrefix: cfg.topicPrefix,
            ids: opts.ids ?? ulidGenerator,
            now: opts.now ?? (() => new Date()),
            onOutbox: () => relay.kick(),
          },
          log,
        ),
      },
    ],
  });
  log.info({ address: grpc.address }, "intake listening");

  return {
    port: grpc.port,
    log,
    relay,
    stop: async () => {
      await grpc.stop();
      await relay.stop();
      await bus.close();
      await mongo.close();
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) runMain("intake", () => startIntake());
