import type { Logger } from "pino";
import { type Bus, readTopic } from "@tongban/bus";
import { AuditAnchor, type Signer, type SigningKeys, encodeAnchor, signMessage, topics } from "@tongban/contracts";
import type { AuditLog } from "./auditLog";
import type { Anchor } from "./domain/auditChain";

/**
 * Anchors the registry's audit chain where the registry cannot rewrite it alone: now and then
 * (when the chain grew) the registry signs its chain head and publishes it on the anchors topic.
 * Verification reads them back, keeps only this registry's validly signed ones, and checks the
 * chain against them (see AuditChainVerifier).
 */
export class AuditAnchors {
  private timer: NodeJS.Timeout | undefined;
  private anchoredSeq = 0;
  private running: Promise<void> | undefined;

  constructor(
    private readonly o: {
      bus: Bus;
      audit: AuditLog;
      signer: Signer;
      trust: SigningKeys;
      registryNode: string;
      topicPrefix: string;
      intervalMs: number;
      now: () => Date;
      log: Logger;
    },
  ) {}

  start(): void {
    const tick = () => {
      this.running ??= this.anchorNow()
        .then(() => undefined)
        .catch((err) => this.o.log.warn({ err }, "audit chain head not anchored; will retry"))
        .finally(() => {
          this.running = undefined;
        });
      this.timer = setTimeout(tick, this.o.intervalMs);
    };
    this.timer = setTimeout(tick, this.o.intervalMs);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    await this.running;
  }

  /** Publishes the chain head if it moved since the last anchor; returns the anchored sequence. */
  async anchorNow(): Promise<number> {
    const head = await this.o.audit.head();
    if (!head || head.seq <= this.anchoredSeq) return this.anchoredSeq;
    const anchor = signMessage(
      AuditAnchor.fromPartial({ registryNode: this.o.registryNode, seq: head.seq, headHash: head.hash, anchoredAt: this.o.now() }),
      encodeAnchor,
      this.o.signer,
    );
    await this.o.bus.publish([
      {
        topic: topics.certsAnchors(this.o.topicPrefix),
        key: this.o.registryNode,
        value: Buffer.from(encodeAnchor(anchor)),
        headers: { "event-type": "certs.anchor" },
      },
    ]);
    this.anchoredSeq = head.seq;
    return head.seq;
  }

  /** This registry's anchors on the topic whose signature verifies as its own. */
  read(): Promise<Anchor[]> {
    return readAnchors(this.o.bus, this.o.trust, this.o.topicPrefix, this.o.registryNode);
  }
}

/** `registryNode`'s anchors on the anchors topic whose signature verifies as that registry's; anything else there is ignored. */
export async function readAnchors(bus: Bus, trust: SigningKeys, topicPrefix: string, registryNode: string): Promise<Anchor[]> {
  const out: Anchor[] = [];
  await readTopic(bus, topics.certsAnchors(topicPrefix), {
    handle: (r) => {
      if (r.key !== registryNode || !r.value) return;
      let a: AuditAnchor;
      try {
        a = AuditAnchor.decode(r.value);
      } catch {
        return;
      }
      if (a.registryNode !== registryNode || trust.check(a, encodeAnchor, `registry:${registryNode}`)) return;
      out.push({ seq: Number(a.seq), hash: a.headHash, at: a.anchoredAt ?? new Date(0) });
    },
  });
  return out;
}
