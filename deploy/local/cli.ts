/**
 * Local infrastructure: `npm run infra -- start|stop|status`.
 * Starts a real Kafka broker and FerretDB as background processes that outlive this command.
 */
import { localStatus, resolveInfra, stopLocal } from "./infra";

const command = process.argv[2] ?? "status";

try {
  switch (command) {
    case "start": {
      const infra = await resolveInfra();
      console.log(`infra (${infra.source}) ready`);
      console.log(`  KAFKA_BROKERS=${infra.kafkaBrokers.join(",")}`);
      console.log(`  MONGODB_URI=${infra.mongoUri}`);
      for (const note of infra.notes) console.log(`  ${note}`);
      break;
    }
    case "stop":
      await stopLocal();
      console.log("local Kafka and FerretDB stopped");
      break;
    case "status":
      console.log(JSON.stringify(await localStatus()));
      break;
    default:
      console.error(`unknown command '${command}'; use start, stop or status`);
      process.exitCode = 2;
  }
} catch (err) {
  console.error((err as Error).message);
  process.exitCode = 1;
}
