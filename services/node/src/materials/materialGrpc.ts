import { createHash } from "node:crypto";
import { type ServerReadableStream, type ServerWritableStream, type ServiceError, type sendUnaryData, status } from "@grpc/grpc-js";
import type { Collection } from "mongodb";
import type { Logger } from "pino";
import { MAX_ID_LENGTH, checkText } from "@tongban/bounds";
import type {
  FetchMaterialRequest,
  FetchMaterialResponse,
  MaterialFile,
  MaterialServiceServer,
  UploadMaterialRequest,
  UploadMaterialResponse,
} from "@tongban/contracts";
import type { CaseDoc } from "@tongban/exchange";
import { isReceivingSide } from "@tongban/exchange";
import { AppError, type FieldViolation, principalOf, toServiceError } from "@tongban/rpc";
import { CHUNK_BYTES, ChunkWriter, MAX_MATERIAL_BYTES, type MaterialStore, newMaterialRef } from "./materialStore";
import { MEDIA_TYPES, sniffMediaType } from "./mediaType";

const SHA256_HEX = /^[0-9a-f]{64}$/;
/** Largest `chunk` message of an upload. */
export const MAX_UPLOAD_PART_BYTES = 1024 * 1024;

const invalid = (field: string, zh: string, en: string) => AppError.invalid([{ field, description: `${zh} / ${en}` }]);

export interface MaterialDeps {
  store: MaterialStore;
  cases: Collection<CaseDoc>;
  /** The node's own city (uploads come from its windows). */
  node: string;
}

/**
 * UploadMaterial: the scan is stored a chunk at a time as it arrives (never whole in memory),
 * hashed on the way, its media type read from its first bytes. Anything refused leaves nothing
 * stored.
 */
async function upload(
  call: ServerReadableStream<UploadMaterialRequest, UploadMaterialResponse>,
  deps: MaterialDeps,
): Promise<UploadMaterialResponse> {
  const ref = newMaterialRef();
  const hash = createHash("sha256");
  let header: { mediaType: string; size: number; sha256: string } | undefined;
  let size = 0;
  let begun = false;
  const writer = new ChunkWriter(deps.store, ref, 0, async () => {
    await deps.store.begin({ _id: ref, state: "fetching", mediaType: header!.mediaType, sha256: "", size: 0 });
    begun = true;
  });
  try {
    for await (const msg of call as AsyncIterable<UploadMaterialRequest>) {
      const part = msg.part;
      if (!header) {
        if (part?.$case !== "header") throw invalid("header", "第一条消息须为文件头", "the first message must be the header");
        const h = part.value;
        if (!(MEDIA_TYPES as readonly string[]).includes(h.mediaType))
          throw invalid(
            "header.media_type",
            `不支持的文件类型 ${h.mediaType.slice(0, 64)}`,
            `media type must be one of ${MEDIA_TYPES.join(", ")}`,
          );
        if (h.size > MAX_MATERIAL_BYTES)
          throw invalid("header.size", `文件过大：上限 ${MAX_MATERIAL_BYTES} 字节`, `file too large: at most ${MAX_MATERIAL_BYTES} bytes`);
        if (h.sha256 !== "" && !SHA256_HEX.test(h.sha256))
          throw invalid("header.sha256", "摘要须为 64 位小写十六进制", "sha256 must be 64 lower-case hex characters");
        header = { mediaType: h.mediaType, size: h.size, sha256: h.sha256 };
        continue;
      }
      if (part?.$case !== "chunk") throw invalid("header", "文件头只能有一条", "only the first message may be a header");
      const data = part.value;
      if (data.length > MAX_UPLOAD_PART_BYTES)
        throw invalid("chunk", `单条数据上限 ${MAX_UPLOAD_PART_BYTES} 字节`, `each chunk message at most ${MAX_UPLOAD_PART_BYTES} bytes`);
      if (size === 0 && data.length > 0) {
        const sniffed = sniffMediaType(data);
        if (sniffed !== header.mediaType)
          throw invalid(
            "header.media_type",
            `文件内容不是 ${header.mediaType}`,
            `the content is not ${header.mediaType}${sniffed ? ` (looks like ${sniffed})` : ""}`,
          );
      }
      size += data.length;
      if (size > MAX_MATERIAL_BYTES)
        throw invalid("chunk", `文件过大：上限 ${MAX_MATERIAL_BYTES} 字节`, `file too large: at most ${MAX_MATERIAL_BYTES} bytes`);
      hash.update(data);
      await writer.write(data);
    }
    if (!header) throw invalid("header", "缺少文件头", "the header is missing");
    if (size === 0) throw invalid("chunk", "文件为空", "the file is empty");
    await writer.end();
    const sha256 = hash.digest("hex");
    const v: FieldViolation[] = [];
    if (header.size !== 0 && header.size !== size)
      v.push({
        field: "header.size",
        description: `大小不符：声明 ${header.size}，收到 ${size} / size mismatch: declared ${header.size}, received ${size}`,
      });
    if (header.sha256 !== "" && header.sha256 !== sha256)
      v.push({ field: "header.sha256", description: `摘要不符 / digest mismatch: declared ${header.sha256}, received ${sha256}` });
    if (v.length > 0) throw AppError.invalid(v);
    await deps.store.finish(ref, { state: "uploaded", sha256, size });
    const file: MaterialFile = { ref, sha256, size, mediaType: header.mediaType };
    return { file };
  } catch (err) {
    if (begun) await deps.store.drop(ref, writer.stored + CHUNK_BYTES).catch(() => undefined);
    throw err;
  }
}

/** FetchMaterial: the bytes of a file a case cites, only to the case's home node. */
async function fetchMaterial(call: ServerWritableStream<FetchMaterialRequest, FetchMaterialResponse>, deps: MaterialDeps): Promise<void> {
  const { caseId, ref, offset } = call.request;
  const v: FieldViolation[] = [];
  if (checkText(v, "case_id", caseId, MAX_ID_LENGTH) && !caseId) v.push({ field: "case_id", description: "必填 / required" });
  if (checkText(v, "ref", ref, MAX_ID_LENGTH) && !ref) v.push({ field: "ref", description: "必填 / required" });
  if (v.length > 0) throw AppError.invalid(v);
  const caller = principalOf(call).identity.city;
  const doc = await deps.cases.findOne({ _id: caseId });
  // A case this node did not send, or not homed in the caller's city: nothing to say it exists.
  const cited =
    doc && isReceivingSide(doc) && doc.homeNode === caller ? doc.submission.materials.find((m) => m.file?.ref === ref) : undefined;
  if (!cited)
    throw new AppError(status.NOT_FOUND, "无此材料 / no such material of a case homed in the caller's city", [], "MATERIAL_NOT_FOUND");
  const file = await deps.store.get(ref);
  if (!file || file.state !== "uploaded")
    throw new AppError(status.NOT_FOUND, "材料文件不存在 / material file not stored", [], "MATERIAL_NOT_FOUND");
  if (offset > file.size) throw invalid("offset", `超出文件大小 ${file.size}`, `beyond the file's size ${file.size}`);
  await streamFile(call, deps.store, ref, offset, file.size);
}

/** Streams a stored file's bytes from `offset` to `end` to a caller, waiting while it is slow: at most one chunk is held. */
export async function streamFile(
  call: ServerWritableStream<unknown, { offset: number; data: Buffer }>,
  store: MaterialStore,
  id: string,
  offset: number,
  end: number,
): Promise<void> {
  for await (const part of store.read(id, offset, end)) {
    if (call.cancelled) return;
    if (!call.write({ offset: part.offset, data: part.data })) await new Promise<void>((r) => call.once("drain", r));
  }
}

export function materialGrpc(deps: MaterialDeps, log: Logger): MaterialServiceServer {
  return {
    uploadMaterial: (
      call: ServerReadableStream<UploadMaterialRequest, UploadMaterialResponse>,
      callback: sendUnaryData<UploadMaterialResponse>,
    ) => {
      upload(call, deps).then(
        (res) => {
          log.info({ ref: res.file?.ref, size: res.file?.size, mediaType: res.file?.mediaType }, "material uploaded");
          callback(null, res);
        },
        (err: unknown) => callback(toServiceError(err, log, "UploadMaterial") as ServiceError, null),
      );
    },
    fetchMaterial: (call: ServerWritableStream<FetchMaterialRequest, FetchMaterialResponse>) => {
      fetchMaterial(call, deps).then(
        () => call.end(),
        (err: unknown) => call.emit("error", toServiceError(err, log, "FetchMaterial") as ServiceError),
      );
    },
  };
}
