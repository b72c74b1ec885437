import { type ServerWritableStream, type ServiceError, status } from "@grpc/grpc-js";
import type { Logger } from "pino";
import { MAX_ID_LENGTH, MAX_MATERIAL_REF_LENGTH, checkText } from "@tongban/bounds";
import {
  type DownloadMaterialRequest,
  type DownloadMaterialResponse,
  type ListMaterialsRequest,
  type ListMaterialsResponse,
  MaterialCopyState,
} from "@tongban/contracts";
import { type ExchangeContext, assertDepartment, caseNotFound, isHomeSide, loadCase } from "@tongban/exchange";
import { AppError, type FieldViolation, clerkOf, toServiceError } from "@tongban/rpc";
import { toAppError, unary } from "../grpcErrors";
import { streamFile } from "./materialGrpc";
import type { MaterialFileDoc, MaterialStore } from "./materialStore";
import { copyIdOf } from "./scansCheck";

const stateOf = (f: MaterialFileDoc | null): MaterialCopyState => {
  switch (f?.state) {
    case "verified":
    case "uploaded":
      return MaterialCopyState.MATERIAL_COPY_STATE_VERIFIED;
    case "digest_mismatch":
      return MaterialCopyState.MATERIAL_COPY_STATE_DIGEST_MISMATCH;
    default:
      return MaterialCopyState.MATERIAL_COPY_STATE_FETCHING;
  }
};

/** A case homed here, of the calling clerk's department; anything else as the queue answers it. */
async function homeCase(ctx: ExchangeContext, caseId: string, call: { metadata: Parameters<typeof clerkOf>[0]["metadata"] }) {
  const doc = await loadCase(ctx, caseId);
  if (!doc || !isHomeSide(doc)) throw caseNotFound(caseId);
  const clerk = clerkOf(call);
  assertDepartment(doc, { id: clerk.id, department: clerk.department });
  return doc;
}

/**
 * Online pre-review (网上预审) on the authority queue API: a case's materials with the state of
 * their scans, and the verified scans streamed to the clerk. A scan not verified (still being
 * fetched, or of another digest than the case cites) is never streamed.
 */
export function preReviewGrpc(ctx: ExchangeContext, store: MaterialStore, log: Logger) {
  return {
    listMaterials: unary<ListMaterialsRequest, ListMaterialsResponse>("ListMaterials", log, async (req, call) => {
      const v: FieldViolation[] = [];
      if (checkText(v, "case_id", req.caseId, MAX_ID_LENGTH) && !req.caseId) v.push({ field: "case_id", description: "必填 / required" });
      if (v.length > 0) throw AppError.invalid(v);
      const doc = await homeCase(ctx, req.caseId, call);
      const materials = await Promise.all(
        doc.submission.materials.map(async (m, index) => {
          const copy = m.file ? await store.get(copyIdOf(doc, m.file.ref)) : null;
          return {
            index,
            name: m.name,
            copies: m.copies,
            file: m.file,
            state: m.file ? stateOf(copy) : MaterialCopyState.MATERIAL_COPY_STATE_PAPER_ONLY,
            stored: copy?.state === "digest_mismatch" ? 0 : (copy?.stored ?? 0),
          };
        }),
      );
      const state = doc.state;
      return { materials, paperSigned: state.status !== "INITIAL" && state.materialsSignedAt !== undefined };
    }),

    downloadMaterial: (call: ServerWritableStream<DownloadMaterialRequest, DownloadMaterialResponse>) => {
      (async () => {
        const { caseId, ref, offset } = call.request;
        const v: FieldViolation[] = [];
        if (checkText(v, "case_id", caseId, MAX_ID_LENGTH) && !caseId) v.push({ field: "case_id", description: "必填 / required" });
        if (checkText(v, "ref", ref, MAX_MATERIAL_REF_LENGTH) && !ref) v.push({ field: "ref", description: "必填 / required" });
        if (v.length > 0) throw AppError.invalid(v);
        const doc = await homeCase(ctx, caseId, call);
        const cited = doc.submission.materials.find((m) => m.file?.ref === ref);
        if (!cited) throw new AppError(status.NOT_FOUND, "本案无此材料 / the case cites no such material", [], "MATERIAL_NOT_FOUND");
        const copy = await store.get(copyIdOf(doc, ref));
        if (!copy || stateOf(copy) !== MaterialCopyState.MATERIAL_COPY_STATE_VERIFIED)
          throw new AppError(
            status.FAILED_PRECONDITION,
            copy?.state === "digest_mismatch"
              ? "材料摘要不符，已拒收 / the scan's digest did not match: refused"
              : "材料尚未取回并核验 / the scan is not fetched and verified yet",
            [],
            copy?.state === "digest_mismatch" ? "DIGEST_MISMATCH" : "NOT_VERIFIED",
          );
        if (offset > copy.size)
          throw AppError.invalid([{ field: "offset", description: `超出文件大小 ${copy.size} / beyond the file's size` }]);
        await streamFile(call, store, copy._id, offset, copy.size);
      })().then(
        () => call.end(),
        (err: unknown) => call.emit("error", toServiceError(toAppError(err), log, "DownloadMaterial") as ServiceError),
      );
    },
  };
}
