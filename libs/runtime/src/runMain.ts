import type { Logger } from "pino";

export interface Stoppable {
  stop(): Promise<void>;
}

/**
 * Runs a service's composition root as a process: starts it, and on SIGTERM/SIGINT stops it
 * (which marks it unhealthy, drains and closes clients) before exiting. A failed start or a
 * second signal exits non-zero.
 */
export function runMain(name: string, start: () => Promise<Stoppable & { log: Logger }>): void {
  let stopping = false;
  start().then(
    (svc) => {
      const shutdown = (signal: string) => {
        if (stopping) {
          svc.log.warn({ signal }, "second signal, exiting now");
          process.exit(1);
        }
        stopping = true;
        svc.log.info({ signal }, "shutting down");
        svc.stop().then(
          () => {
            svc.log.info("stopped");
            svc.log.flush?.();
            process.exit(0);
          },
          (err) => {
            svc.log.error({ err }, "shutdown failed");
            process.exit(1);
          },
        );
      };
      process.on("SIGTERM", () => shutdown("SIGTERM"));
      process.on("SIGINT", () => shutdown("SIGINT"));
    },
    (err) => {
      console.error(`${name} failed to start: ${(err as Error).stack ?? err}`);
      process.exit(1);
    },
  );
}
