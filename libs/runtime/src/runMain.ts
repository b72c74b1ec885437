import type { Logger } from "pino";
import { loadConfig } from "@tongban/config";
import { shutdownKeys } from "./runtimeKeys";

import { startTracing } from "./tracing";

export interface Stoppable {
  stop(): Promise<void>;
}

/** Longest wait for the log to reach its destination before exiting anyway. */
const FLUSH_TIMEOUT_MS = 2_000;

/**
 * Exits with `code` once every buffered log line was written (pino 9 has no `final`: the
 * asynchronous destination is flushed explicitly), or after a short bound if flushing hangs.
 */
export function exitAfterFlush(log: Logger, code: number): void {
  let exited = false;
  const exit = () => {
    if (exited) return;
    exited = true;
    process.exit(code);
  };
  setTimeout(exit, FLUSH_TIMEOUT_MS);
  try {
    log.flush(() => exit());
  } catch {
    exit();
  }
}

/**
 * Runs a service's composition root as a process: starts it, and on SIGTERM/SIGINT stops it
 * (which marks it unhealthy, drains and closes clients) before exiting. A failed start, a
 * second signal, or a stop that outlasts SHUTDOWN_DEADLINE_MS exits non-zero; every exit
 * waits for the log to be flushed.
 */
export function runMain(name: string, start: () => Promise<Stoppable & { log: Logger }>): void {
  let stopping = false;
  const { shutdownDeadlineMs } = loadConfig(shutdownKeys, process.env);
  // Spans over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set (see startTracing).
  const tracing = startTracing(`tongban-${name}`);
  start().then(
    (svc) => {
      const shutdown = (signal: string) => {
        if (stopping) {
          svc.log.warn({ signal }, "second signal, exiting now");
          exitAfterFlush(svc.log, 1);
          return;
        }
        stopping = true;
        svc.log.info({ signal, deadlineMs: shutdownDeadlineMs }, "shutting down");
        const deadline = setTimeout(() => {
          svc.log.error({ deadlineMs: shutdownDeadlineMs }, "shutdown deadline passed, exiting");
          exitAfterFlush(svc.log, 1);
        }, shutdownDeadlineMs);
        svc.stop().then(
          async () => {
            await tracing.shutdown().catch(() => undefined);
            clearTimeout(deadline);
            svc.log.info("stopped");
            exitAfterFlush(svc.log, 0);
          },
          (err) => {
            clearTimeout(deadline);
            svc.log.error({ err }, "shutdown failed");
            exitAfterFlush(svc.log, 1);
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
