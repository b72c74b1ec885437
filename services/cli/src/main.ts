import { fileURLToPath } from "node:url";
import { Bus } from "@tongban/bus";
import { ConfigError, Network, loadConfig } from "@tongban/config";
import { busConnection } from "@tongban/runtime";
import { createLogger } from "@tongban/log";
import { type TransportSettings, TransportConfigError } from "@tongban/rpc";
import { OutboxQuarantine, connectMongo } from "@tongban/store";
import { type CallerFor, cliCallers } from "./cliCallers";
import { cliConfigSpec } from "./cliConfig";
import { runCli } from "./program";

/** `tongban …` (npm run tongban -- …): configuration from the environment, output to stdout. */
export async function main(argv: readonly string[]): Promise<number> {
  let cfg;
  try {
    cfg = loadConfig(cliConfigSpec);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`配置无效 / ${err.message}\n`);
    return 2;
  }
  let callerFor: CallerFor;
  try {
    const tls: TransportSettings = {
      grpcTlsCert: cfg.grpcTlsCert,
      grpcTlsKey: cfg.grpcTlsKey,
      grpcTlsCa: cfg.grpcTlsCa,
      grpcInsecure: cfg.grpcInsecure,
    };
    callerFor = cliCallers(tls);
  } catch (err) {
    if (!(err instanceof TransportConfigError)) throw err;
    process.stderr.write(`gRPC身份配置无效 / ${err.message}\n`);
    return 2;
  }
  // Logs go to stderr so they never mix with the command's output.
  const log = createLogger({ service: "cli", level: cfg.logLevel, destination: process.stderr });
  const bus = new Bus(busConnection(cfg, "tongban-cli"), log);
  try {
    return await runCli(argv, {
      bus,
      network: Network.load(),
      topicPrefix: cfg.topicPrefix,
      nodesHost: cfg.nodesHost,
      callerFor,
      out: process.stdout,
      openQuarantine: async (node) => {
        const mongo = await connectMongo(cfg.mongoUri, cfg.nodeDb.replaceAll("{node}", node));
        return { quarantine: OutboxQuarantine.of(mongo.db), close: () => mongo.close() };
      },
      openNodeStore: async (node) => {
        const mongo = await connectMongo(cfg.mongoUri, cfg.nodeDb.replaceAll("{node}", node));
        return { db: mongo.db, ferretDb: mongo.ferretDb, close: () => mongo.close() };
      },
      lease: { ttlMs: cfg.leaseTtlMs, renewMs: cfg.leaseRenewMs },
    });
  } catch (err) {
    process.stderr.write(`失败 / failed: ${(err as Error).message}\n`);
    return 1;
  } finally {
    await bus.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
