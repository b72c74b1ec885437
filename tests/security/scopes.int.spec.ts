import { type ServiceError, status } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { homeDepartment } from "@tongban/catalog";
import type { QueueItem, WatchQueueResponse } from "@tongban/contracts";
import { eligibleItems, sampleSubmission } from "@tongban/demo";
import { defaultPkiDir, signDevToken } from "@tongban/identity";
import { bearer, callUnary, errorReasonOf } from "@tongban/rpc";
import { apis, queuedIn } from "../support/clients";
import {
  type CityNode,
  callerAs,
  clerkMetadata,
  eventually,
  intakeClientOf,
  isolation,
  network,
  queueClientOf,
  startCities,
  stopCities,
} from "../support/testNetwork";

/** The first sample number whose item's home department in `city` is `dept`. */
const sampleOf = (city: string, dept: string) => eligibleItems(city).findIndex((i) => homeDepartment(i.code, city)?.code === dept);

const refusal = (err: ServiceError) => `${status[err.code]} ${errorReasonOf(err)}`;

describe("who sees and acts on which case", () => {
  let cities: CityNode[];
  const city = (id: string) => cities.find((c) => c.id === id)!;
  const ids: Record<"gaj" | "mzj", string> = { gaj: "", mzj: "" };

  beforeAll(async () => {
    cities = await startCities(isolation(), ["xiamen", "quanzhou"]);
    for (const dept of ["gaj", "mzj"] as const) {
      const n = sampleOf("quanzhou", dept);
      expect(n).toBeGreaterThanOrEqual(0);
      ids[dept] = (await apis(city("xiamen")).submit(sampleSubmission(network.node("xiamen")!, "quanzhou", n, `SCOPE${dept}`))).caseId;
      await queuedIn(city("quanzhou"), ids[dept], "RECEIVED_BY_HOME");
    }
  });
  afterAll(() => stopCities(cities));

  it("when a Xiamen window or authority calls Quanzhou's queue, then it is refused before any case is read", async () => {
    const qz = city("quanzhou");
    for (const caller of [callerAs("xiamen", "window"), callerAs("xiamen", "authority")]) {
      const q = queueClientOf("quanzhou", qz.node.queuePort, caller);
      const err = await callUnary(q, q.getQueueItem, { caseId: ids.gaj }, 5_000, await clerkMetadata("xiamen", "c", "gaj")).catch((e) => e);
      expect(refusal(err)).toBe("PERMISSION_DENIED ACCESS_DENIED");
      q.close();
    }
  });

  it("when a 公安局 clerk works the queue, then 民政局 cases are neither listed, streamed, shown nor workable", async () => {
    const qz = city("quanzhou");
    const q = qz.queueClient;
    const gaj = await clerkMetadata("quanzhou", "clerk-g", "gaj");
    const listed = await callUnary(
      q,
      q.listQueue,
      { department: "", state: "", itemCode: "", overdueOnly: false, pageSize: 200, pageToken: "" },
      5_000,
      gaj,
    );
    expect(listed.items.map((i) => i.case!.caseId)).toContain(ids.gaj);
    expect(listed.items.filter((i) => i.case!.homeDepartment !== "gaj")).toEqual([]);

    const other = { department: "mzj", state: "", itemCode: "", overdueOnly: false, pageSize: 0, pageToken: "" };
    expect(refusal(await callUnary(q, q.listQueue, other, 5_000, gaj).catch((e) => e))).toBe("PERMISSION_DENIED OTHER_DEPARTMENT");
    expect(refusal(await callUnary(q, q.getQueueItem, { caseId: ids.mzj }, 5_000, gaj).catch((e) => e))).toBe(
      "PERMISSION_DENIED OTHER_DEPARTMENT",
    );
    expect(refusal(await callUnary(q, q.claimItem, { caseId: ids.mzj, clerk: "", leaseSeconds: 60 }, 5_000, gaj).catch((e) => e))).toBe(
      "PERMISSION_DENIED OTHER_DEPARTMENT",
    );
    const accept = { caseId: ids.mzj, requestId: "r-1", clerk: "", command: { $case: "accept" as const, value: {} } };
    expect(refusal(await callUnary(q, q.executeCommand, accept, 5_000, gaj).catch((e) => e))).toBe("PERMISSION_DENIED OTHER_DEPARTMENT");
    expect((await apis(qz).queued(ids.mzj))!.case!.state).toBe("RECEIVED_BY_HOME");

    // The stream shows the clerk's department only, whatever happens elsewhere.
    const seen: QueueItem[] = [];
    const stream = q.watchQueue({ department: "" }, gaj);
    stream.on("data", (m: WatchQueueResponse) => seen.push(m.item!));
    stream.on("error", () => undefined);
    try {
      await new Promise((r) => setTimeout(r, 200));
      for (const dept of ["mzj", "gaj"] as const) {
        await apis(qz).claim(ids[dept], "clerk-x");
        await apis(qz).release(ids[dept], "clerk-x");
      }
      await eventually("the 公安局 case's changes streamed", async () => (seen.some((i) => i.case!.caseId === ids.gaj) ? true : undefined));
      expect(seen.filter((i) => i.case!.homeDepartment !== "gaj")).toEqual([]);
    } finally {
      stream.cancel();
    }
    const watchOther = q.watchQueue({ department: "mzj" }, gaj);
    const err = await new Promise<ServiceError>((resolve) => watchOther.on("error", resolve));
    expect(refusal(err)).toBe("PERMISSION_DENIED OTHER_DEPARTMENT");
  });

  it("when a clerk's token expires while watching the queue, then the stream ends UNAUTHENTICATED", async () => {
    const q = city("quanzhou").queueClient;
    const shortLived = bearer(
      await signDevToken(defaultPkiDir, { city: "quanzhou", id: "clerk-s", department: "gaj", roles: ["clerk"], ttlSeconds: 2 }),
    );
    const started = Date.now();
    const stream = q.watchQueue({ department: "" }, shortLived);
    stream.on("data", () => undefined);
    const err = await new Promise<ServiceError>((resolve) => stream.on("error", resolve));
    expect(err.code).toBe(status.UNAUTHENTICATED);
    expect(Date.now() - started).toBeGreaterThan(1_000);
  });

  it("when a clerk claims and acts, then the clerk is the token's subject, never a name in the request", async () => {
    const q = city("quanzhou").queueClient;
    const token = await clerkMetadata("quanzhou", "clerk-real", "gaj");
    const forged = await callUnary(q, q.claimItem, { caseId: ids.gaj, clerk: "somebody-else", leaseSeconds: 60 }, 5_000, token).catch(
      (e) => e,
    );
    expect(refusal(forged)).toBe("PERMISSION_DENIED CLERK_NOT_TOKEN_SUBJECT");
    const claimed = await callUnary(q, q.claimItem, { caseId: ids.gaj, clerk: "", leaseSeconds: 60 }, 5_000, token);
    expect(claimed.item!.case!.claimedBy).toBe("clerk-real");
    const signed = await callUnary(
      q,
      q.executeCommand,
      { caseId: ids.gaj, requestId: "scope-sign", clerk: "", command: { $case: "signForMaterials", value: {} } },
      5_000,
      token,
    );
    expect(signed.item!.case!.materialsSignedAt).toBeInstanceOf(Date);
    const done = await callUnary(
      q,
      q.executeCommand,
      { caseId: ids.gaj, requestId: "scope-accept", clerk: "", command: { $case: "accept", value: {} } },
      5_000,
      token,
    );
    expect(done.item!.case!.state).toBe("ACCEPTED");
  });

  it("when a window asks about a case, then it sees only cases its own city sent", async () => {
    const xm = city("xiamen");
    const qz = city("quanzhou");
    // Quanzhou's window is refused by Xiamen's intake outright.
    const foreign = intakeClientOf("xiamen", xm.node.intakePort, callerAs("quanzhou", "window"));
    expect(refusal(await callUnary(foreign, foreign.getCase, { caseId: ids.gaj }).catch((e) => e))).toBe("PERMISSION_DENIED ACCESS_DENIED");
    foreign.close();
    // Quanzhou's own window does not see the home-side copy Quanzhou holds for Xiamen's case.
    const err = await callUnary(qz.intakeClient, qz.intakeClient.getCase, { caseId: ids.gaj }).catch((e) => e);
    expect(err.code).toBe(status.NOT_FOUND);
    expect((await apis(xm).sentCase(ids.gaj)).caseId).toBe(ids.gaj);
  });
});
