import { Metadata, type ServerWritableStream, type ServiceError, status } from "@grpc/grpc-js";
import { MAX_CLERK_LENGTH, MAX_CODE_LENGTH, MAX_ID_LENGTH, capViolations, checkText } from "@tongban/bounds";
import type { Collection, Filter } from "mongodb";
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
import {
  type CaseDoc,
  type ExchangeContext,
  type HomeClerk,
  assertDepartment,
  caseNotFound,
  claimCase,
  executeHomeCommand,
  isHomeSide,
  loadCase,
  queueItem,
  releaseCase,
} from "@tongban/exchange";
import { type CaseCommand, caseStatuses, validateCommand } from "@tongban/lifecycle";
import { AppError, type FieldViolation, clerkOf, toServiceError } from "@tongban/rpc";
import { toAppError, unary } from "../grpcErrors";
import { checkPageSize, pageById } from "../pageById";
import { homeCommand } from "./homeCommand";
import { type CaseChanges, whenStreamEnds } from "../caseChanges";

/** Optional text within its bounds. */
const bounded = (v: FieldViolation[], field: string, value: string, max: number) => checkText(v, field, value, max);

/** Required text within its bounds. */
function required(v: FieldViolation[], field: string, value: string, max: number, zh: string, en: string): void {
  if (bounded(v, field, value, max) && !value.trim()) v.push({ field, description: `${zh}不能为空 / ${en} is required` });
}

const requireCaseId = (v: FieldViolation[], caseId: string) => required(v, "case_id", caseId, MAX_ID_LENGTH, "案件编号", "case id");

/**
 * The acting clerk is the clerk token's subject, scoped to the token's department. A request's own
 * `clerk` field may be left empty; when given it must be the token's subject.
 */
function actingClerk(call: { metadata: Metadata }, v: FieldViolation[], requested: string): HomeClerk {
  const person = clerkOf(call);
  if (bounded(v, "clerk", requested, MAX_CLERK_LENGTH) && requested && requested !== person.id) {
    throw new AppError(
      status.PERMISSION_DENIED,
      `办理人员须为令牌持有人 / clerk '${requested}' is not the token's subject '${person.id}'`,
      [],
      "CLERK_NOT_TOKEN_SUBJECT",
    );
  }
  return { id: person.id, department: person.department };
}

/** The department a list or stream shows: the clerk's own; asking for another is refused. */
function scopedDepartment(call: { metadata: Metadata }, requested: string): string {
  const { department } = clerkOf(call);
  if (requested && requested !== department) {
    throw new AppError(
      status.PERMISSION_DENIED,
      `只能查看本部门（${department}）的案件 / clerk of department ${department} may not list department ${requested}`,
      [],
      "OTHER_DEPARTMENT",
    );
  }
  return department;
}

function throwIfAny(v: FieldViolation[]): void {
  if (v.length > 0) throw AppError.invalid(capViolations(v));
}

/** Where each command's data sits in ExecuteCommandRequest, so violations name the request's own fields. */
const commandField: Partial<Record<CaseCommand["type"], string>> = {
  Refuse: "refuse",
  RequestCorrection: "request_correction",
  Suspend: "suspend",
  ExtendDeadline: "extend_deadline",
  Decide: "decide.decision",
  SendResult: "send_result",
};
const snake = (path: string) => path.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** The command's data checked at the edge, before any store read, with the request's field paths. */
function commandViolations(command: CaseCommand): FieldViolation[] {
  const at = commandField[command.type];
  return validateCommand(command).map((x) => ({ field: at ? `${at}.${snake(x.field)}` : snake(x.field), description: x.description }));
}

/** gRPC adapter of the authority queue API (home authorities' clerks). */
export function queueGrpc(
  ctx: ExchangeContext,
  cases: Collection<CaseDoc>,
  changes: CaseChanges,
  log: Logger,
): Omit<AuthorityQueueServiceServer, "listMaterials" | "downloadMaterial"> {
  const item = (doc: CaseDoc) => queueItem(doc, ctx.now());
  return {
    listQueue: unary<ListQueueRequest, ListQueueResponse>("ListQueue", log, async (req, call) => {
      const v: FieldViolation[] = [];
      const size = checkPageSize(v, req.pageSize);
      bounded(v, "department", req.department, MAX_CODE_LENGTH);
      bounded(v, "item_code", req.itemCode, MAX_CODE_LENGTH);
      bounded(v, "page_token", req.pageToken, MAX_ID_LENGTH);
      if (bounded(v, "state", req.state, MAX_CODE_LENGTH) && req.state && !(caseStatuses as readonly string[]).includes(req.state)) {
        v.push({ field: "state", description: `未知状态「${req.state}」/ unknown state '${req.state}'` });
      }
      throwIfAny(v);
      const filter: Filter<CaseDoc> = { role: { $in: ["home", "local"] }, homeDepartment: scopedDepartment(call, req.department) };
      if (req.state) filter.status = req.state as CaseDoc["status"];
      if (req.itemCode) filter.itemCode = req.itemCode;
      if (req.overdueOnly) filter.dueAt = { $lt: ctx.now() };
      const { page, nextPageToken } = await pageById(cases, filter, size, req.pageToken);
      return { items: page.map(item), nextPageToken };
    }),

    watchQueue: (call: ServerWritableStream<WatchQueueRequest, WatchQueueResponse>) => {
      const v: FieldViolation[] = [];
      bounded(v, "department", call.request.department, MAX_CODE_LENGTH);
      let dept: string;
      try {
        if (v.length > 0) throw AppError.invalid(v);
        dept = scopedDepartment(call, call.request.department);
      } catch (err) {
        const se = toServiceError(toAppError(err), log, "WatchQueue");
        if (se.code === status.PERMISSION_DENIED) {
          log.warn({ audit: "access-denied", method: "WatchQueue", code: "PERMISSION_DENIED", reason: se.details }, "access denied");
        }
        call.emit("error", se as ServiceError);
        return;
      }
      const unsubscribe = changes.subscribe(({ doc, kind }) => {
        if (!isHomeSide(doc) || doc.homeDepartment !== dept) return;
        call.write({ item: item(doc), change: kind });
      });
      // The stream lives no longer than the clerk's token: then it ends UNAUTHENTICATED and the
      // authority system reconnects with a fresh token.
      const expiry = setTimeout(
        () => {
          unsubscribe();
          call.emit("error", { code: status.UNAUTHENTICATED, details: "令牌已过期 / token expired", metadata: new Metadata() });
        },
        Math.max(0, clerkOf(call).expiresAt.getTime() - Date.now()),
      );
      const end = () => {
        clearTimeout(expiry);
        unsubscribe();
      };
      whenStreamEnds(call, end, log);
    },

    getQueueItem: unary<GetQueueItemRequest, GetQueueItemResponse>("GetQueueItem", log, async (req, call) => {
      const v: FieldViolation[] = [];
      requireCaseId(v, req.caseId);
      throwIfAny(v);
      const doc = await loadCase(ctx, req.caseId);
      if (!doc || !isHomeSide(doc)) throw caseNotFound(req.caseId);
      assertDepartment(doc, { id: clerkOf(call).id, department: clerkOf(call).department });
      return { item: item(doc) };
    }),

    claimItem: unary<ClaimItemRequest, ClaimItemResponse>("ClaimItem", log, async (req, call) => {
      const v: FieldViolation[] = [];
      requireCaseId(v, req.caseId);
      const clerk = actingClerk(call, v, req.clerk);
      throwIfAny(v);
      return { item: item(await claimCase(ctx, req.caseId, clerk, req.leaseSeconds)) };
    }),

    releaseItem: unary<ReleaseItemRequest, ReleaseItemResponse>("ReleaseItem", log, async (req, call) => {
      const v: FieldViolation[] = [];
      requireCaseId(v, req.caseId);
      const clerk = actingClerk(call, v, req.clerk);
      throwIfAny(v);
      return { item: item(await releaseCase(ctx, req.caseId, clerk)) };
    }),

    executeCommand: unary<ExecuteCommandRequest, ExecuteCommandResponse>("ExecuteCommand", log, async (req, call) => {
      const v: FieldViolation[] = [];
      requireCaseId(v, req.caseId);
      required(v, "request_id", req.requestId, MAX_ID_LENGTH, "请求编号", "request id");
      const clerk = actingClerk(call, v, req.clerk);
      throwIfAny(v);
      const command = homeCommand(req);
      throwIfAny(commandViolations(command));
      const out = await executeHomeCommand(ctx, req.caseId, req.requestId, clerk, command);
      log.info({ caseId: req.caseId, command: command.type, duplicate: out.duplicate, state: out.doc.status }, "command executed");
      return { item: item(out.doc), duplicate: out.duplicate };
    }),
  };
}
