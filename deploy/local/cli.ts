/**
 * Local infrastructure: `npm run infra -- start|stop|status|env <principal>`.
 * Starts a real Kafka broker and FerretDB as background processes that outlive this command;
 * `env` prints the shell exports with which a process connects to the broker as one principal
 * (e.g. `eval "$(npm run -s infra -- env operator)"` before `npm run tongban`).
 */
import { kafkaEnvAs } from "@tongban/runtime";
import { localStatus, resolveInfra, stopLocal } from "./infra";

const command = process.argv[2] ?? "status";

try {
  switch (command) {
    case "start": {
      const infra = await resolveInfra();
      console.log(`infra (${infra.source}) ready`);
      console.log(`  KAFKA_BROKERS=${infra.kafka.brokers.join(",")}`);
      console.log(`  MONGODB_URI=${infra.mongoUri}`);
      for (const note of infra.notes) console.log(`  ${note}`);
      break;
    }
    case "env": {
      const principal = process.argv[3] ?? "operator";
      const infra = await resolveInfra();
      const env = { ...kafkaEnvAs(infra.kafka, principal), MONGODB_URI: infra.mongoUri };
      for (const [k, v] of Object.entries(env)) console.log(`export ${k}='${v.replace(/'/g, "'\\''")}'`);
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
      console.error(`unknown command '${command}'; use start, stop, status or env <principal>`);
      process.exitCode = 2;
  }
} catch (err) {
  console.error((err as Error).message);
  process.exitCode = 1;
}
