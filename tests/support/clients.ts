import { randomUUID } from "node:crypto";
import { status } from "@grpc/grpc-js";
import type { CaseView, ExecuteCommandRequest, QueueItem, SubmitCaseRequest } from "@tongban/contracts";
import { callUnary } from "@tongban/rpc";
import { type CityNode, clerkMetadata, eventually } from "./testNetwork";

const notFoundAsUndefined = (err: { code?: number }) => {
  if (err.code === status.NOT_FOUND) return undefined;
  throw err;
};

export type HomeCommand = NonNullable<ExecuteCommandRequest["command"]>;

/**
 * Promise-returning calls on a city's window (intake) and authority (queue) APIs. Queue calls carry
 * a token of `clerk` for the department the case belongs to (read from the city's store), as the
 * authority system of that department would send it.
 */
export function apis(city: CityNode) {
  const i = city.intakeClient;
  const q = city.queueClient;
  const rid = () => randomUUID();
  const departmentOf = async (caseId: string) =>
    (await city.db.db.collection<{ _id: string; homeDepartment?: string }>("cases").findOne({ _id: caseId }))?.homeDepartment ?? "gaj";
  const as = async (caseId: string, clerk = "clerk-a") => clerkMetadata(city.id, clerk, await departmentOf(caseId));
  return {
    submit: (req: SubmitCaseRequest) => callUnary(i, i.submitCase, req),
    sentCase: (caseId: string) => callUnary(i, i.getCase, { caseId }).then((r) => r.case!),
    submitCorrection: (caseId: string, items: string[], requestId: string = rid()) =>
      callUnary(i, i.submitCorrection, { caseId, requestId, windowClerk: "w1", items }).then((r) => r.ack!),
    withdraw: (caseId: string, reason = "申请人撤回", requestId: string = rid()) =>
      callUnary(i, i.withdrawCase, { caseId, requestId, windowClerk: "w1", reason }).then((r) => r.ack!),
    recordDelivery: (caseId: string, requestId: string = rid()) =>
      callUnary(i, i.recordDelivery, { caseId, requestId, windowClerk: "w1" }).then((r) => r.ack!),
    rate: (caseId: string, level: string, requestId: string = rid()) =>
      callUnary(i, i.recordRating, { caseId, requestId, windowClerk: "w1", level, comment: "" }).then((r) => r.ack!),

    queued: async (caseId: string): Promise<QueueItem | undefined> =>
      callUnary(q, q.getQueueItem, { caseId }, 5_000, await as(caseId)).then((r) => r.item, notFoundAsUndefined),
    claim: async (caseId: string, clerk = "clerk-a", leaseSeconds = 600) =>
      callUnary(q, q.claimItem, { caseId, clerk: "", leaseSeconds }, 5_000, await as(caseId, clerk)).then((r) => r.item!),
    release: async (caseId: string, clerk = "clerk-a") =>
      callUnary(q, q.releaseItem, { caseId, clerk: "" }, 5_000, await as(caseId, clerk)).then((r) => r.item!),
    exec: async (caseId: string, command: HomeCommand, clerk = "clerk-a", requestId: string = rid()) =>
      callUnary(q, q.executeCommand, { caseId, requestId, clerk: "", command }, 5_000, await as(caseId, clerk)),
    /** Lists the queue of one department (the clerk's token is of that department). */
    list: async (
      department: string,
      req: Partial<{ state: string; itemCode: string; overdueOnly: boolean; pageSize: number; pageToken: string }> = {},
    ) =>
      callUnary(
        q,
        q.listQueue,
        { department: "", state: "", itemCode: "", overdueOnly: false, pageSize: 0, pageToken: "", ...req },
        5_000,
        await clerkMetadata(city.id, "clerk-a", department),
      ),
  };
}

/** Waits until the receiving side's view of the case is in `state`. */
export const sentCaseIn = (city: CityNode, caseId: string, state: string): Promise<CaseView> =>
  eventually(`${city.id} sees ${caseId} ${state}`, async () => {
    const c = await apis(city).sentCase(caseId);
    return c.state === state ? c : undefined;
  });

/** Waits until the home queue has the case in `state`. */
export const queuedIn = (city: CityNode, caseId: string, state: string): Promise<QueueItem> =>
  eventually(`${city.id} queue has ${caseId} ${state}`, async () => {
    const item = await apis(city).queued(caseId);
    return item?.case?.state === state ? item : undefined;
  });

/** The home authority takes a case from received to decided, approved with `documentRef` (claim, sign for the paper, accept, review, decide). */
export async function approveCase(home: CityNode, caseId: string, documentRef: string): Promise<void> {
  const h = apis(home);
  await h.claim(caseId);
  for (const command of [
    { $case: "signForMaterials", value: {} },
    { $case: "accept", value: {} },
    { $case: "startReview", value: {} },
    { $case: "decide", value: { decision: { outcome: "approved", documentRef, reasons: [] } } },
  ] satisfies HomeCommand[])
    await h.exec(caseId, command);
}
