import type { Collection, Filter } from "mongodb";
import type { Logger } from "pino";
import type {
  AuthorityQueueServiceServer,
  GetQueueItemRequest,
  ListQueueRequest,
  ListQueueResponse,
  QueueItem as QueueItemMessage,
} from "@tongban/contracts";
import { AppError, unary } from "@tongban/rpc";
import type { QueueItem } from "./queueItems";

const MAX_PAGE = 200;

export function toMessage(q: QueueItem): QueueItemMessage {
  return {
    caseId: q._id,
    receiptNo: q.receiptNo,
    itemCode: q.itemCode,
    receivingNode: q.receivingNode,
    homeDepartment: q.homeDepartment,
    state: q.state,
    applicantName: q.submitted.applicant?.name ?? "",
    mailTrackingNo: q.submitted.mailTrackingNo,
    receivedAt: q.receivedAt,
    queuedAt: q.queuedAt,
  };
}

/** gRPC adapter of the authority queue API (home authorities' clerks). */
export function queueGrpc(queue: Collection<QueueItem>, log: Logger): AuthorityQueueServiceServer {
  return {
    listQueue: unary<ListQueueRequest, ListQueueResponse>("ListQueue", log, async (req) => {
      if (req.pageSize > MAX_PAGE) {
        throw AppError.invalid([{ field: "page_size", description: `每页最多 ${MAX_PAGE} 条 / page size is at most ${MAX_PAGE}` }]);
      }
      const size = req.pageSize || 50;
      const filter: Filter<QueueItem> = {};
      if (req.department) filter.homeDepartment = req.department;
      if (req.state) filter.state = req.state;
      if (req.itemCode) filter.itemCode = req.itemCode;
      // Case ids are ULIDs: sorting by _id is sorting by arrival, and the last id is the cursor.
      if (req.pageToken) filter._id = { $lt: req.pageToken };
      const docs = await queue.find(filter).sort({ _id: -1 }).limit(size + 1).toArray();
      const page = docs.slice(0, size);
      return { items: page.map(toMessage), nextPageToken: docs.length > size ? (page.at(-1)?._id ?? "") : "" };
    }),
    getQueueItem: unary<GetQueueItemRequest, QueueItemMessage>("GetQueueItem", log, async (req) => {
      const q = await queue.findOne({ _id: req.caseId });
      if (!q) throw AppError.notFound(`队列中没有案件 ${req.caseId} / case ${req.caseId} is not in this queue`);
      return toMessage(q);
    }),
  };
}
