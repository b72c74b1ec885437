import type { ServerWritableStream, ServiceError } from "@grpc/grpc-js";
import { MAX_CODE_LENGTH, MAX_ID_LENGTH, checkText } from "@tongban/bounds";
import type { Collection, Filter } from "mongodb";
import type { Logger } from "pino";
import type {
  CaseView,
  ListSentCasesRequest,
  ListSentCasesResponse,
  WatchSentCasesRequest,
  WatchSentCasesResponse,
} from "@tongban/contracts";
import { type CaseDoc, type ExchangeContext, isReceivingSide } from "@tongban/exchange";
import { caseStatuses } from "@tongban/lifecycle";
import { AppError, type FieldViolation, toServiceError } from "@tongban/rpc";
import { type CaseChanges, whenStreamEnds } from "../caseChanges";
import { toAppError, unary } from "../grpcErrors";
import { checkPageSize, pageById } from "../pageById";

/** Cases a resumed watch reads from the store per round trip. */
const REPLAY_BATCH = 100;

/** The window's read side: the cases this city's windows sent, listed and watched. */
export function sentCasesGrpc(
  ctx: ExchangeContext,
  cases: Collection<CaseDoc>,
  changes: CaseChanges,
  view: (doc: CaseDoc) => CaseView,
  log: Logger,
) {
  return {
    listSentCases: unary<ListSentCasesRequest, ListSentCasesResponse>("ListSentCases", log, async (req) => {
      const v: FieldViolation[] = [];
      const size = checkPageSize(v, req.pageSize);
      checkText(v, "item_code", req.itemCode, MAX_CODE_LENGTH);
      checkText(v, "page_token", req.pageToken, MAX_ID_LENGTH);
      if (checkText(v, "state", req.state, MAX_CODE_LENGTH) && req.state && !(caseStatuses as readonly string[]).includes(req.state)) {
        v.push({ field: "state", description: `未知状态「${req.state}」/ unknown state '${req.state}'` });
      }
      homeNodeChecked(v, req.homeNode, ctx);
      if (v.length > 0) throw AppError.invalid(v);
      const filter: Filter<CaseDoc> = { role: { $in: ["receiving", "local"] } };
      if (req.state) filter.status = req.state as CaseDoc["status"];
      if (req.homeNode) filter.homeNode = req.homeNode;
      if (req.itemCode) filter.itemCode = req.itemCode;
      if (req.overdueOnly) filter.dueAt = { $lt: ctx.now() };
      if (req.updatedSince) filter.updatedAt = { $gte: req.updatedSince };
      const { page, nextPageToken } = await pageById(cases, filter, size, req.pageToken);
      return { cases: page.map(view), nextPageToken };
    }),

    watchSentCases: (call: ServerWritableStream<WatchSentCasesRequest, WatchSentCasesResponse>) => {
      const { since, homeNode } = call.request;
      const v: FieldViolation[] = [];
      homeNodeChecked(v, homeNode, ctx);
      if (v.length > 0) {
        call.emit("error", toServiceError(toAppError(AppError.invalid(v)), log, "WatchSentCases") as ServiceError);
        return;
      }
      const wanted = (doc: CaseDoc) => isReceivingSide(doc) && (!homeNode || doc.homeNode === homeNode);
      let open = true;
      // Live changes from the moment the call starts; a case may also come in the replay (the
      // client dedupes on case_id and seq).
      const unsubscribe = changes.subscribe(({ doc, kind }) => {
        if (open && wanted(doc)) call.write({ case: view(doc), change: kind });
      });
      const end = () => {
        open = false;
        unsubscribe();
      };
      whenStreamEnds(call, end, log);
      if (since)
        void replay(since).catch((err: unknown) => {
          if (!open) return;
          end();
          call.emit("error", toServiceError(toAppError(err), log, "WatchSentCases") as ServiceError);
        });

      /** The cases changed at or after `from`, oldest change first, in batches keyed by (updatedAt, _id). */
      async function replay(from: Date): Promise<void> {
        let after: { at: Date; id: string } | undefined;
        while (open) {
          const filter: Filter<CaseDoc> = { role: { $in: ["receiving", "local"] }, ...(homeNode ? { homeNode } : {}) };
          filter.$or = after
            ? [{ updatedAt: { $gt: after.at } }, { updatedAt: after.at, _id: { $gt: after.id } }]
            : [{ updatedAt: { $gte: from } }];
          const batch = await cases.find(filter).sort({ updatedAt: 1, _id: 1 }).limit(REPLAY_BATCH).toArray();
          for (const doc of batch) if (open) call.write({ case: view(doc), change: "replayed" });
          if (batch.length < REPLAY_BATCH) return;
          const last = batch.at(-1)!;
          after = { at: last.updatedAt, id: last._id };
        }
      }
    },
  };
}

/** An optional home city filter: a node of the network. */
function homeNodeChecked(v: FieldViolation[], homeNode: string, ctx: ExchangeContext): void {
  if (checkText(v, "home_node", homeNode, MAX_CODE_LENGTH) && homeNode && !ctx.nodes.has(homeNode)) {
    v.push({ field: "home_node", description: `网络中没有节点「${homeNode}」/ no node '${homeNode}' in the network` });
  }
}
