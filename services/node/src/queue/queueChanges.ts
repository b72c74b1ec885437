import { EventEmitter } from "node:events";
import type { CaseDoc } from "@tongban/exchange";

export type QueueChange = { doc: CaseDoc; kind: "created" | "changed" };

/**
 * In-process feed of home-case changes for WatchQueue. Every write to a home case at this node
 * goes through this process (consumer and authority API), so no store change stream is needed.
 */
export class QueueChanges {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  publish(doc: CaseDoc, kind: "created" | "changed"): void {
    if (doc.role === "home") this.emitter.emit("change", { doc, kind } satisfies QueueChange);
  }

  subscribe(listener: (c: QueueChange) => void): () => void {
    this.emitter.on("change", listener);
    return () => this.emitter.off("change", listener);
  }
}
