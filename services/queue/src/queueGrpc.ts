import type { ServerWritableStream } from "@grpc/grpc-js";
import type { Filter } from "mongodb";
import type { Logger } from "pino";
import type {
  AuthorityQueueServiceServer,
  ClaimItemRequest,
  ClaimItemResponse,
  ExecuteCommandRequest,
  ExecuteCommandResponse,
  GetQueueItemRequest,
  GetQueueItemResponse,
  ListQueueRequest,
  ListQueueResponse,
  ReleaseItemRequest,
  ReleaseItemResponse,
  WatchQueueRequest,
  WatchQueueResponse,
} from "@tongban/contracts";
import { type CaseDoc, type ExchangeContext, caseNotFound, claimCase, executeHomeCommand, queueItem, releaseCase } from "@tongban/exchange";
import { caseStatuses } from "@tongban/lifecycle";
import { AppError, type FieldViolation, unary } from "@tongban/rpc";
import { homeCommand } from "./homeCommand";
import type { QueueChanges } from "./queueChanges";

const MAX_PAGE = 200;

/** gRPC adapter of the authority queue API (home authorities' clerks). */
export function queueGrpc(ctx: ExchangeContext, changes: QueueChanges, log: Logger): AuthorityQueueServiceServer {
  const item = (doc: CaseDoc) => queueItem(doc, ctx.now());
  return {
    listQueue: unary<ListQueueRequest, ListQueueResponse>("ListQueue", log, async (req) => {
      const v: FieldViolation[] = [];
      if (req.pageSize > MAX_PAGE)
        v.push({ field: "page_size", description: `每页最多 ${MAX_PAGE} 条 / page size is at most ${MAX_PAGE}` });
      if (req.state && !(caseStatuses as readonly string[]).includes(req.state)) {
        v.push({ field: "state", description: `未知状态「${req.state}」/ unknown state '${req.state}'` });
      }
      if (v.length > 0) throw AppError.invalid(v);
      const size = req.pageSize || 50;
      const filter: Filter<CaseDoc> = { role: "home" };
      if (req.department) filter.homeDepartment = req.department;
      if (req.state) filter.status = req.state as CaseDoc["status"];
      if (req.itemCode) filter.itemCode = req.itemCode;
      if (req.overdueOnly) filter.dueAt = { $lt: ctx.now() };
      // Case ids are ULIDs: sorting by _id is sorting by arrival, and the last id is the cursor.
      if (req.pageToken) filter._id = { $lt: req.pageToken };
      const docs = await ctx.cases
        .find(filter)
        .sort({ _id: -1 })
        .limit(size + 1)
        .toArray();
      const page = docs.slice(0, size);
      return { items: page.map(item), nextPageToken: docs.length > size ? (page.at(-1)?._id ?? "") : "" };
    }),

    watchQueue: (call: ServerWritableStream<WatchQueueRequest, WatchQueueResponse>) => {
      const dept = call.request.department;
      const unsubscribe = changes.subscribe(({ doc, kind }) => {
        if (dept && doc.homeDepartment !== dept) return;
        call.write({ item: item(doc), change: kind });
      });
      const end = () => unsubscribe();
      call.on("cancelled", end);
      call.on("close", end);
      call.on("error", (err) => {
        end();
        log.debug({ err }, "watch stream error");
      });
    },

    getQueueItem: unary<GetQueueItemRequest, GetQueueItemResponse>("GetQueueItem", log, async (req) => {
      // By _id alone: FerretDB v1 resolves only that without a collection scan.
      const doc = await ctx.cases.findOne({ _id: req.caseId });
      if (!doc || doc.role !== "home") throw caseNotFound(req.caseId);
      return { item: item(doc) };
    }),

    claimItem: unary<ClaimItemRequest, ClaimItemResponse>("ClaimItem", log, async (req) => ({
      item: item(await claimCase(ctx, req.caseId, req.clerk, req.leaseSeconds)),
    })),

    releaseItem: unary<ReleaseItemRequest, ReleaseItemResponse>("ReleaseItem", log, async (req) => ({
      item: item(await releaseCase(ctx, req.caseId, req.clerk)),
    })),

    executeCommand: unary<ExecuteCommandRequest, ExecuteCommandResponse>("ExecuteCommand", log, async (req) => {
      const v: FieldViolation[] = [];
      if (!req.caseId) v.push({ field: "case_id", description: "案件编号不能为空 / case id is required" });
      if (!req.requestId) v.push({ field: "request_id", description: "请求编号不能为空 / request id is required" });
      if (!req.clerk) v.push({ field: "clerk", description: "办理人员不能为空 / clerk is required" });
      if (v.length > 0) throw AppError.invalid(v);
      const command = homeCommand(req);
      const out = await executeHomeCommand(ctx, req.caseId, req.requestId, req.clerk, command);
      log.info({ caseId: req.caseId, command: command.type, duplicate: out.duplicate, state: out.doc.status }, "command executed");
      return { item: item(out.doc), duplicate: out.duplicate };
    }),
  };
}
