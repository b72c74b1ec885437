import { describe, expect, it } from "vitest";
import { PoisonMessage } from "@tongban/bus";
import { homeDepartment } from "@tongban/catalog";
import type { EventEnvelope } from "@tongban/contracts";
import { eligibleItems } from "@tongban/demo";
import { applyInbound, claimCase, executeHomeCommand, handleCase, registerSubmission, requestCommand } from "@tongban/exchange";
import { type MemoryNode, envelopesFor, memoryNode, resigned } from "../support/memoryExchange";
import { sampleCaseSubmitted } from "../support/sampleCase";

// The fast tier: the case command handler and its callers on the in-memory store port, two
// nodes exchanging the envelopes their outboxes hold. The same paths run on Kafka and FerretDB in
// the integration tier.

const item = eligibleItems("zhangzhou")[0]!;
const department = homeDepartment(item.code, "zhangzhou")!.code;
const clerk = { id: "clerk-1", department };

/** Applies every envelope in order at `to`, as its inbound consumer would, then flushes its inbox. */
async function deliver(to: MemoryNode, envelopes: EventEnvelope[]): Promise<string[]> {
  const outcomes: string[] = [];
  for (const env of envelopes) outcomes.push(await applyInbound(to.ctx, env, env.caseId));
  await to.inbox.flush();
  return outcomes;
}

async function submitted(window: MemoryNode, home: MemoryNode, receiptNo = "XM-0001") {
  const reg = await registerSubmission(window.ctx, {
    caseId: "01CASE0000000000000000001",
    submission: sampleCaseSubmitted("xiamen", "zhangzhou", receiptNo),
    identityVerified: true,
    requestHash: "h1",
  });
  if (!reg.created) throw new Error("not created");
  const toHome = envelopesFor(window, "zhangzhou");
  return { caseId: reg.doc._id, toHome, outcomes: await deliver(home, toHome) };
}

describe("the case command handler on the in-memory store", () => {
  it("when a window registers a case, then one row holds the case and the envelopes for its home, and the home receives it in order", async () => {
    const [window, home] = [memoryNode("xiamen"), memoryNode("zhangzhou")];
    const { caseId, toHome, outcomes } = await submitted(window, home);
    expect([...window.store.rows.keys()]).toEqual([`${caseId}:1`]);
    expect(toHome.map((e) => [e.type, e.caseSeq])).toEqual([
      ["case.submitted", 1],
      ["case.forwarded", 2],
    ]);
    expect(outcomes).toEqual(["applied", "applied"]);
    const doc = await home.store.read(caseId);
    // The home authority's system receives the case as soon as it is stored (已接收).
    expect(doc).toMatchObject({ role: "home", status: "RECEIVED_BY_HOME", seq: 3, rev: 2, peerNode: "xiamen" });
  });

  it("when the same receipt is registered again, then the first case is returned and nothing is appended", async () => {
    const window = memoryNode("xiamen");
    const input = {
      caseId: "01CASE0000000000000000001",
      submission: sampleCaseSubmitted("xiamen", "zhangzhou", "XM-0002"),
      identityVerified: true,
      requestHash: "h",
    };
    await registerSubmission(window.ctx, input);
    const again = await registerSubmission(window.ctx, { ...input, caseId: "01CASE0000000000000000002" });
    expect(again).toMatchObject({ created: false, existing: { _id: "01CASE0000000000000000001" } });
    expect(window.store.rows.size).toBe(1);
  });

  it("when every envelope is delivered twice, then the second delivery is a duplicate and appends nothing", async () => {
    const [window, home] = [memoryNode("xiamen"), memoryNode("zhangzhou")];
    const { toHome } = await submitted(window, home);
    const rows = home.store.rows.size;
    expect(await deliver(home, toHome)).toEqual(["duplicate", "duplicate"]);
    expect(home.store.rows.size).toBe(rows);
  });

  it("when an event arrives before the one it follows, or for a case the node does not have, then it is a poison message with its code", async () => {
    const [window, home] = [memoryNode("xiamen"), memoryNode("zhangzhou")];
    await registerSubmission(window.ctx, {
      caseId: "01CASE0000000000000000001",
      submission: sampleCaseSubmitted("xiamen", "zhangzhou", "XM-0003"),
      identityVerified: true,
      requestHash: "h",
    });
    const [first, second] = envelopesFor(window, "zhangzhou");
    const err = await applyInbound(home.ctx, second!, second!.caseId).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PoisonMessage);
    expect((err as PoisonMessage).code).toBe("UNKNOWN_CASE");
    await applyInbound(home.ctx, first!, first!.caseId);
    const gap = resigned({ ...second!, caseSeq: 3 });
    expect(((await applyInbound(home.ctx, gap, gap.caseId).catch((e: unknown) => e)) as PoisonMessage).code).toBe("OUT_OF_ORDER");
  });

  it("when the home authority accepts, then the window's replica follows in the same order, once, and a retried command appends nothing", async () => {
    const [window, home] = [memoryNode("xiamen"), memoryNode("zhangzhou")];
    const { caseId } = await submitted(window, home);
    await deliver(window, envelopesFor(home, "xiamen"));
    await claimCase(home.ctx, caseId, clerk, 600);
    await executeHomeCommand(home.ctx, caseId, "req-sign", clerk, { type: "SignForMaterials", actor: "home", data: {} });
    const accepted = await executeHomeCommand(home.ctx, caseId, "req-accept", clerk, { type: "Accept", actor: "home", data: {} });
    expect(accepted.doc.status).toBe("ACCEPTED");
    const retried = await executeHomeCommand(home.ctx, caseId, "req-accept", clerk, { type: "Accept", actor: "home", data: {} });
    expect(retried.duplicate).toBe(true);
    expect(retried.doc.rev).toBe(accepted.doc.rev);
    const back = envelopesFor(home, "xiamen");
    expect(await deliver(window, back)).toEqual(back.map(() => "applied"));
    expect(await deliver(window, back)).toEqual(back.map(() => "duplicate"));
    expect(await window.store.read(caseId)).toMatchObject({ status: "ACCEPTED", seq: accepted.doc.seq });
  });

  it("when the window asks for a command the home can no longer apply, then the home answers with a rejection the window records", async () => {
    const [window, home] = [memoryNode("xiamen"), memoryNode("zhangzhou")];
    const { caseId } = await submitted(window, home);
    await deliver(window, envelopesFor(home, "xiamen"));
    const withdraw = { type: "Withdraw", actor: "receiving", data: { reason: "申请人撤回" } } as const;
    await requestCommand(window.ctx, caseId, "req-w1", "window-1", withdraw);
    const request = envelopesFor(window, "zhangzhou");
    // Meanwhile the home refuses the case, so the withdrawal arrives too late.
    await claimCase(home.ctx, caseId, clerk, 600);
    await executeHomeCommand(home.ctx, caseId, "req-r1", clerk, { type: "Refuse", actor: "home", data: { reasons: ["不属于受理范围"] } });
    expect(await deliver(home, request)).toEqual(["applied"]);
    // A replayed request is recognised by the inbox.
    expect(await deliver(home, request)).toEqual(["duplicate"]);
    const back = envelopesFor(home, "xiamen");
    expect(back.map((e) => e.type)).toEqual(["case.refused", "case.command_rejected"]);
    await deliver(window, back);
    const seen = await window.store.read(caseId);
    expect(seen?.status).toBe("NOT_ACCEPTED");
    expect(seen?.lastRejection).toMatch(/不能执行「撤回」.*Cannot withdraw/);
    expect(seen?.requests.find((r) => r.id === "req-w1")).toBeDefined();
  });

  it("when a decision changes nothing, then the handler appends no row and says whether it was a retry", async () => {
    const [window, home] = [memoryNode("xiamen"), memoryNode("zhangzhou")];
    const { caseId } = await submitted(window, home);
    const rows = home.store.rows.size;
    const same = await handleCase(home.ctx, caseId, () => "unchanged");
    const retry = await handleCase(home.ctx, caseId, () => "duplicate");
    expect([same?.changed, same?.duplicate, retry?.changed, retry?.duplicate]).toEqual([false, false, false, true]);
    expect(home.store.rows.size).toBe(rows);
    expect(await handleCase(home.ctx, "01UNKNOWN", () => "unchanged")).toBeUndefined();
  });
});
