import type { Collection } from "mongodb";
import type { Logger } from "pino";
import { MaterialServiceClient } from "@tongban/contracts";
import { type CaseDoc, isHomeSide } from "@tongban/exchange";
import type { Caller } from "@tongban/rpc";
import { CHUNK_BYTES, ChunkWriter, type MaterialStore } from "./materialStore";

export interface MaterialFetcherOptions {
  store: MaterialStore;
  cases: Collection<CaseDoc>;
  /** The receiving node's intake address (where its MaterialService answers). */
  addressOf: (node: string) => string;
  /** This node's identity towards the receiving nodes. */
  caller: Caller;
  log: Logger;
  /** Wait before trying a failed fetch again. */
  retryMs?: number;
  /** Called once a case's cited scans were all gone through: records the check when it can. */
  check: (caseId: string) => Promise<unknown>;
}

/** What one fetch ended with (for the log and the tests). */
export interface FetchOutcome {
  id: string;
  state: "verified" | "digest_mismatch";
  /** Where this fetch started: above 0 when it resumed an interrupted one. */
  resumedAt: number;
}

/**
 * The home node's side of the claim-check (电子材料): for each case homed here that cites scans,
 * fetches every file from the receiving node (FetchMaterial, streamed), keeps it a chunk at a time
 * as `<case id>/<ref>`, and checks its SHA-256 against the case's. Whole and matching: `verified`.
 * Anything else is `digest_mismatch`: its bytes are dropped and it is never offered as valid. A
 * broken fetch resumes from the last whole chunk stored; a fetch that fails is tried again.
 */
export class MaterialFetcher {
  private readonly pending = new Set<string>();
  private running: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly clients = new Map<string, MaterialServiceClient>();
  /** Settled fetches, newest last (bounded). */
  readonly outcomes: FetchOutcome[] = [];

  constructor(private readonly o: MaterialFetcherOptions) {}

  /**
   * A home-side case citing scans whose check is not recorded yet: its scans are fetched soon (a
   * local leg's are this node's own uploads) and the check recorded once they all are settled.
   */
  notice(doc: Pick<CaseDoc, "_id" | "role" | "submission" | "state">): void {
    if (!isHomeSide(doc) || !doc.submission.materials.some((m) => m.file)) return;
    if (doc.state.status !== "INITIAL" && doc.state.scans) return;
    this.pending.add(doc._id);
    this.kick();
  }

  /** Every home case citing scans, once at start (fetches interrupted by a restart resume). */
  async start(): Promise<void> {
    const docs = await this.o.cases
      .find({ role: { $in: ["home", "local"] } }, { projection: { _id: 1, role: 1, submission: 1, state: 1 } })
      .toArray();
    for (const d of docs) this.notice(d);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    for (const c of this.clients.values()) c.close();
  }

  /** Resolves once nothing is pending (or a fetch failed and waits for its retry). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private kick(): void {
    if (this.stopped || this.running) return;
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.pending.size > 0 && !this.stopped) {
        this.timer = setTimeout(() => this.kick(), this.o.retryMs ?? 5_000);
        this.timer.unref();
      }
    });
  }

  private async drain(): Promise<void> {
    for (const caseId of [...this.pending]) {
      if (this.stopped) return;
      try {
        const doc = await this.o.cases.findOne({ _id: caseId }, { projection: { _id: 1, role: 1, submission: 1 } });
        if (doc?.role === "home") for (const m of doc.submission.materials) if (m.file) await this.fetchOne(doc, m.file);
        if (doc) await this.o.check(caseId);
        this.pending.delete(caseId);
      } catch (err) {
        this.o.log.warn({ err, caseId }, "material fetch failed; trying again later");
      }
    }
  }

  private client(node: string): MaterialServiceClient {
    let c = this.clients.get(node);
    if (!c) {
      c = new MaterialServiceClient(this.o.addressOf(node), this.o.caller.credentials, this.o.caller.options);
      this.clients.set(node, c);
    }
    return c;
  }

  private async fetchOne(doc: Pick<CaseDoc, "_id" | "submission">, file: { ref: string; sha256: string; size: number; mediaType: string }) {
    const id = `${doc._id}/${file.ref}`;
    const source = doc.submission.receivingNode;
    const rec = await this.o.store.begin({
      _id: id,
      state: "fetching",
      mediaType: file.mediaType,
      sha256: file.sha256,
      size: file.size,
      caseId: doc._id,
      sourceNode: source,
      ref: file.ref,
    });
    if (rec.state !== "fetching") return;
    // Resume after the last whole chunk stored; the digest so far is read back from the store.
    const resumedAt = Math.floor(rec.stored / CHUNK_BYTES) * CHUNK_BYTES;
    const hash = await this.o.store.digestOf(id, resumedAt);
    let at = resumedAt;
    const writer = new ChunkWriter(this.o.store, id, resumedAt);
    const stream = this.client(source).fetchMaterial({ caseId: doc._id, ref: file.ref, offset: resumedAt });
    try {
      for await (const part of stream as AsyncIterable<{ offset: number; data: Buffer }>) {
        if (part.offset !== at) throw new Error(`material ${id}: expected bytes from ${at}, got ${part.offset}`);
        if (at + part.data.length > file.size) throw new Error(`material ${id}: more than the cited ${file.size} bytes`);
        hash.update(part.data);
        at += part.data.length;
        await writer.write(part.data);
      }
    } finally {
      stream.cancel();
    }
    await writer.end();
    if (at !== file.size) throw new Error(`material ${id}: stream ended at ${at} of ${file.size} bytes`);
    const actual = hash.digest("hex");
    if (actual === file.sha256) {
      await this.o.store.finish(id, { state: "verified" });
      this.o.log.info({ caseId: doc._id, ref: file.ref, size: file.size, resumedAt }, "material fetched and verified");
      this.record({ id, state: "verified", resumedAt });
    } else {
      await this.o.store.drop(id, file.size, true);
      await this.o.store.finish(id, { state: "digest_mismatch", actualSha256: actual });
      this.o.log.error(
        { caseId: doc._id, ref: file.ref, expected: file.sha256, actual, source },
        "material digest mismatch: the copy is refused and not shown as valid",
      );
      this.record({ id, state: "digest_mismatch", resumedAt });
    }
  }

  private record(o: FetchOutcome): void {
    this.outcomes.push(o);
    if (this.outcomes.length > 1_000) this.outcomes.shift();
  }
}
