import { EventEmitter } from "node:events";
import type { ServerWritableStream } from "@grpc/grpc-js";
import type { Logger } from "pino";
import type { CaseDoc } from "@tongban/exchange";

export type CaseChange = { doc: CaseDoc; kind: "created" | "changed" };

/**
 * In-process feed of case changes, for WatchQueue (home cases) and WatchSentCases (cases this
 * city's windows sent). Every write of a case at this node goes through this process (consumers,
 * intake and authority API), so no store change stream is needed.
 */
export class CaseChanges {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  publish(doc: CaseDoc, kind: "created" | "changed"): void {
    this.emitter.emit("change", { doc, kind } satisfies CaseChange);
  }

  subscribe(listener: (c: CaseChange) => void): () => void {
    this.emitter.on("change", listener);
    return () => this.emitter.off("change", listener);
  }
}

/** Runs `end` when a watch stream is cancelled, closed or fails (logged at debug level). */
export function whenStreamEnds(call: ServerWritableStream<unknown, unknown>, end: () => void, log: Logger): void {
  call.on("cancelled", end);
  call.on("close", end);
  call.on("error", (err) => {
    end();
    log.debug({ err }, "watch stream error");
  });
}
