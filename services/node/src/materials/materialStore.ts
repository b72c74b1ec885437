import { createHash, randomBytes } from "node:crypto";
import { Binary, type Collection, type Db } from "mongodb";
import { MAX_MATERIAL_BYTES } from "@tongban/bounds";

export { MAX_MATERIAL_BYTES };

/** Bytes per stored chunk: a file is read and written a chunk at a time, never whole. */
export const CHUNK_BYTES = 256 * 1024;

/**
 * Where a stored file is: `uploaded` (a window's scan on its receiving node), `fetching` (the
 * home's copy, partly fetched), `verified` (the home's copy, whole and of the cited digest) or
 * `digest_mismatch` (fetched whole, another digest: its bytes are dropped, never shown).
 */
export type MaterialState = "uploaded" | "fetching" | "verified" | "digest_mismatch";

export interface MaterialFileDoc {
  /** Receiving side: the reference cases cite. Home side: `<case id>/<reference>`. */
  _id: string;
  state: MaterialState;
  mediaType: string;
  /** The digest the file has (uploaded) or must have (home copy), lower-case hex. */
  sha256: string;
  size: number;
  /** Bytes stored so far (a home copy being fetched resumes here). */
  stored: number;
  /** Home copies: the case, the receiving node and its reference. */
  caseId?: string;
  sourceNode?: string;
  ref?: string;
  /** Home copies: the digest the fetched bytes had when it was not the cited one. */
  actualSha256?: string;
  /** Uploads: the receipt (`<node>:<receipt no>`) of the first submission that cited the file (an upload none cites expires). */
  citedBy?: string;
  createdAt: Date;
  updatedAt: Date;
}

interface ChunkDoc {
  /** `<file id>/<chunk number, 6 digits>`: every read and write is by `_id` (FerretDB v1 pushes down nothing else). */
  _id: string;
  data: Binary;
}

const chunkId = (fileId: string, n: number) => `${fileId}/${String(n).padStart(6, "0")}`;

/** A new upload reference: `m` and 24 random hex characters (not guessable, not a case id). */
export const newMaterialRef = (): string => `m${randomBytes(12).toString("hex")}`;

/**
 * Scanned materials (电子材料) in the node's own database, in 256 KiB chunks keyed by `_id`
 * rather than GridFS: GridFS reads a file's chunks with a `files_id` filter, which FerretDB v1
 * answers by scanning every chunk of every file; here each chunk is one `_id` lookup.
 */
export class MaterialStore {
  private constructor(
    private readonly files: Collection<MaterialFileDoc>,
    private readonly chunks: Collection<ChunkDoc>,
  ) {}

  static open(db: Db): MaterialStore {
    return new MaterialStore(db.collection<MaterialFileDoc>("material_files"), db.collection<ChunkDoc>("material_chunks"));
  }

  get(id: string): Promise<MaterialFileDoc | null> {
    return this.files.findOne({ _id: id });
  }

  /** Creates the file's record unless it exists; the record as stored. */
  async begin(doc: Omit<MaterialFileDoc, "createdAt" | "updatedAt" | "stored">): Promise<MaterialFileDoc> {
    const now = new Date();
    await this.files.updateOne({ _id: doc._id }, { $setOnInsert: { ...doc, stored: 0, createdAt: now, updatedAt: now } }, { upsert: true });
    return (await this.get(doc._id))!;
  }

  /** Stores chunk `n` (a retried write stores the same bytes again) and how far the file is stored. */
  async putChunk(id: string, n: number, data: Buffer, stored: number): Promise<void> {
    await this.chunks.updateOne({ _id: chunkId(id, n) }, { $set: { data: new Binary(data) } }, { upsert: true });
    await this.files.updateOne({ _id: id }, { $set: { stored, updatedAt: new Date() } });
  }

  async finish(id: string, set: Partial<Pick<MaterialFileDoc, "state" | "sha256" | "size" | "actualSha256">>): Promise<void> {
    await this.files.updateOne({ _id: id }, { $set: { ...set, updatedAt: new Date() } });
  }

  /** Records that the submission `receiptKey` cites these uploads (the first citing one is kept). */
  async markCited(refs: readonly string[], receiptKey: string): Promise<void> {
    for (const ref of refs) {
      const f = await this.get(ref);
      if (f && f.citedBy === undefined) await this.files.updateOne({ _id: ref }, { $set: { citedBy: receiptKey } });
    }
  }

  /**
   * Drops uploads no case cited that were made before `before` (数据保留): a window that uploaded
   * a scan and never submitted leaves nothing behind for good. The number dropped.
   */
  async pruneUncited(before: Date): Promise<number> {
    const stale = await this.files
      .find({ state: "uploaded", citedBy: { $exists: false }, createdAt: { $lt: before } }, { projection: { _id: 1, size: 1 } })
      .toArray();
    for (const f of stale) await this.drop(f._id, f.size);
    return stale.length;
  }

  /** The file's bytes from `offset` to `end` (exclusive), a chunk at a time. */
  async *read(id: string, offset: number, end: number): AsyncGenerator<{ offset: number; data: Buffer }> {
    for (let at = offset; at < end;) {
      const n = Math.floor(at / CHUNK_BYTES);
      const chunk = await this.chunks.findOne({ _id: chunkId(id, n) });
      if (!chunk) throw new Error(`material ${id}: chunk ${n} missing`);
      const bytes = Buffer.from(chunk.data.buffer);
      const from = at - n * CHUNK_BYTES;
      const to = Math.min(bytes.length, end - n * CHUNK_BYTES);
      if (to <= from) throw new Error(`material ${id}: chunk ${n} shorter than recorded`);
      yield { offset: at, data: bytes.subarray(from, to) };
      at += to - from;
    }
  }

  /** SHA-256 of the first `length` bytes, read back a chunk at a time. */
  async digestOf(id: string, length: number): Promise<ReturnType<typeof createHash>> {
    const hash = createHash("sha256");
    for await (const { data } of this.read(id, 0, length)) hash.update(data);
    return hash;
  }

  /** Drops a file's bytes (chunks by `_id`, one at a time) and, unless `keepRecord`, its record. */
  async drop(id: string, size: number, keepRecord = false): Promise<void> {
    const count = Math.ceil(size / CHUNK_BYTES);
    for (let n = 0; n < count; n++) await this.chunks.deleteOne({ _id: chunkId(id, n) });
    if (!keepRecord) await this.files.deleteOne({ _id: id });
  }
}

/**
 * Writes a file's bytes as they arrive, in whole chunks from `from` on (a multiple of
 * CHUNK_BYTES): at most one chunk is held in memory. `end()` writes what is left.
 */
export class ChunkWriter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(
    private readonly store: MaterialStore,
    private readonly id: string,
    /** Bytes stored so far. */
    public stored = 0,
    /** Runs once before the first chunk is stored (e.g. creating the file's record). */
    private beforeFirst?: () => Promise<void>,
  ) {}

  async write(data: Uint8Array): Promise<void> {
    this.pending.push(Buffer.from(data));
    this.pendingBytes += data.length;
    while (this.pendingBytes >= CHUNK_BYTES) await this.flushOne();
  }

  async end(): Promise<void> {
    while (this.pendingBytes > 0) await this.flushOne();
  }

  private async flushOne(): Promise<void> {
    const joined = Buffer.concat(this.pending);
    const data = joined.subarray(0, CHUNK_BYTES);
    this.pending = data.length < joined.length ? [joined.subarray(CHUNK_BYTES)] : [];
    this.pendingBytes = joined.length - data.length;
    if (this.beforeFirst) {
      await this.beforeFirst();
      this.beforeFirst = undefined;
    }
    await this.store.putChunk(this.id, Math.floor(this.stored / CHUNK_BYTES), Buffer.from(data), this.stored + data.length);
    this.stored += data.length;
  }
}

/**
 * Each cited file as the receiving node holds it: uploaded here, whole, and of the digest, size
 * and media type the submission names; a violation per material that is not.
 */
export async function unstoredMaterialViolations(
  store: MaterialStore | undefined,
  materials: readonly { file?: { ref: string; sha256: string; size: number; mediaType: string } | undefined }[],
): Promise<{ field: string; description: string }[]> {
  const out: { field: string; description: string }[] = [];
  for (const [i, m] of materials.entries()) {
    if (!m.file) continue;
    const doc = store ? await store.get(m.file.ref) : null;
    const at = `materials[${i}].file`;
    if (!doc || doc.state !== "uploaded") {
      out.push({
        field: `${at}.ref`,
        description: "未找到已上传的材料文件，请先上传 / no uploaded file with this reference on this node: upload it first",
      });
      continue;
    }
    if (doc.sha256 !== m.file.sha256)
      out.push({ field: `${at}.sha256`, description: "与上传文件的摘要不符 / not the uploaded file's SHA-256" });
    if (doc.size !== m.file.size)
      out.push({ field: `${at}.size`, description: `与上传文件的大小 ${doc.size} 不符 / not the uploaded file's size ${doc.size}` });
    if (doc.mediaType !== m.file.mediaType)
      out.push({
        field: `${at}.media_type`,
        description: `与上传文件的类型 ${doc.mediaType} 不符 / not the uploaded file's media type ${doc.mediaType}`,
      });
  }
  return out;
}
