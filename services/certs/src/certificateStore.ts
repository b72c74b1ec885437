import { Binary, type Collection, type Db } from "mongodb";
import { type CertificateRevoked, type IdGenerator, type Signer, encodeRevocation, signMessage, topics } from "@tongban/contracts";
import { type KeyedMutex, OutboxRelay, type WithOutbox } from "@tongban/store";
import type { CertificateRecord } from "@tongban/certs-client";

export const CERTIFICATES = "certificates";

/** A certificate as stored: the record, keyed by its identifier, with an outbox for its revocation event. */
export type CertificateDoc = CertificateRecord & WithOutbox;

export type RevokeResult = { kind: "revoked"; doc: CertificateDoc } | { kind: "already"; doc: CertificateDoc } | { kind: "not_found" };

/**
 * The registry's certificates collection. The certs process is its only writer, so it keeps the
 * records it read for `cacheMs` and drops a record the moment it revokes it; a second replica of
 * the registry would see another's revocation within `cacheMs`.
 */
export class CertificateStore {
  private readonly cache = new Map<string, { doc: CertificateDoc | null; until: number }>();

  constructor(
    readonly docs: Collection<CertificateDoc>,
    private readonly lock: KeyedMutex,
    private readonly cacheMs = 0,
  ) {}

  static async open(db: Db, lock: KeyedMutex, cacheMs = 0): Promise<CertificateStore> {
    const docs = db.collection<CertificateDoc>(CERTIFICATES);
    await OutboxRelay.ensureIndexes(docs as never);
    await docs.createIndex({ issuerCode: 1 }, { name: "issuer" });
    return new CertificateStore(docs, lock, cacheMs);
  }

  /** Loads the given certificates into an empty registry; returns how many were added (0 when not empty). */
  async seedIfEmpty(records: readonly CertificateRecord[]): Promise<number> {
    if ((await this.docs.estimatedDocumentCount()) > 0 || records.length === 0) return 0;
    const docs: CertificateDoc[] = records.map((r) => ({ ...r, _id: r.certificateId, rev: 1, outbox: [], outboxPending: false }));
    try {
      await this.docs.insertMany(docs, { ordered: false });
    } catch (err) {
      // A concurrent seeder inserted some of them: the registry holds them either way.
      if ((err as { code?: number }).code !== 11000) throw err;
    }
    return docs.length;
  }

  /** Looks certificates up by identifier, one `_id` equality each (the only filter FerretDB v1 serves from its key). */
  async findMany(ids: readonly string[]): Promise<Map<string, CertificateDoc>> {
    const now = Date.now();
    const found = await Promise.all(
      [...new Set(ids)].map(async (_id) => {
        const hit = this.cache.get(_id);
        if (hit && hit.until > now) return hit.doc;
        const doc = await this.docs.findOne({ _id }, { projection: { outbox: 0 } });
        if (this.cacheMs > 0) {
          if (this.cache.size >= 50_000) this.cache.clear();
          this.cache.set(_id, { doc, until: now + this.cacheMs });
        }
        return doc;
      }),
    );
    return new Map(found.filter((d) => d !== null).map((d) => [d._id, d]));
  }

  /**
   * Marks a certificate revoked and puts its CertificateRevoked event in the document's outbox,
   * in one single-document write under the per-certificate lock (see KeyedMutex).
   */
  revoke(
    certificateId: string,
    change: { reason: string; at: Date; registryNode: string; topicPrefix: string; ids: IdGenerator; signer: Signer },
  ): Promise<RevokeResult> {
    return this.lock.run(certificateId, async () => {
      const doc = await this.docs.findOne({ _id: certificateId });
      if (!doc) return { kind: "not_found" };
      if (doc.status === "revoked") return { kind: "already", doc };
      const unsigned: CertificateRevoked = {
        eventId: change.ids(),
        certificateId,
        issuerCode: doc.issuerCode,
        issuerName: doc.issuerName,
        territoryCode: doc.territoryCode,
        registryNode: change.registryNode,
        reason: change.reason,
        revokedAt: change.at,
        signature: Buffer.alloc(0),
        keyId: "",
      };
      const event = signMessage(unsigned, encodeRevocation, change.signer);
      const entry = {
        eventId: event.eventId,
        topic: topics.certsRevoked(change.topicPrefix),
        key: certificateId,
        value: new Binary(encodeRevocation(event)),
        headers: { "event-type": "certs.revoked", "event-id": event.eventId, "source-node": change.registryNode },
      };
      const set = { status: "revoked" as const, revokedAt: change.at, revokeReason: change.reason, rev: doc.rev + 1, outboxPending: true };
      const r = await this.docs.updateOne({ _id: certificateId, rev: doc.rev }, { $set: set, $push: { outbox: entry } });
      this.cache.delete(certificateId);
      if (r.matchedCount !== 1) throw new Error(`certificate ${certificateId} changed during revocation`);
      return { kind: "revoked", doc: { ...doc, ...set } };
    });
  }
}
