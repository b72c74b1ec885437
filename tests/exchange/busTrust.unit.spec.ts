import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { PoisonMessage } from "@tongban/bus";
import { homeDepartment } from "@tongban/catalog";
import { Applicant, type CaseSubmitted, type EventEnvelope, encodeEnvelope, signMessage, signerOf } from "@tongban/contracts";
import { eligibleItems } from "@tongban/demo";
import { applyInbound, claimCase, executeHomeCommand, registerSubmission } from "@tongban/exchange";
import { type MemoryNode, envelopesFor, memoryNode, resigned } from "../support/memoryExchange";
import { sampleCaseSubmitted } from "../support/sampleCase";

// Who may say what on a node's inbound topic, on the in-memory store: every refusal is a poison
// message (dead-lettered by the consumer) with its own code, and the case is left as it was.

const item = eligibleItems("zhangzhou")[0]!;
const clerk = { id: "clerk-1", department: homeDepartment(item.code, "zhangzhou")!.code };

/** Applies an envelope at `to` as its consumer would (record key: the case id unless given); a refusal's code. */
async function receive(to: MemoryNode, env: EventEnvelope, record?: { key: string | undefined }): Promise<string> {
  try {
    return await applyInbound(to.ctx, env, record ? record.key : env.caseId);
  } catch (err) {
    if (err instanceof PoisonMessage) return err.code;
    throw err;
  }
}

/** A Xiamen window's case homed in Zhangzhou, received there; the envelopes Zhangzhou sent back. */
async function caseAtHome() {
  const [window, home] = [memoryNode("xiamen"), memoryNode("zhangzhou")];
  const reg = await registerSubmission(window.ctx, {
    caseId: "01TRUSTCASE000000000000001",
    submission: sampleCaseSubmitted("xiamen", "zhangzhou", "XM-T-1"),
    identityVerified: true,
    requestHash: "h",
  });
  if (!reg.created) throw new Error("not created");
  const toHome = envelopesFor(window, "zhangzhou");
  for (const env of toHome) expect(await receive(home, env)).toBe("applied");
  return { window, home, caseId: reg.doc._id, toHome, back: envelopesFor(home, "xiamen") };
}

describe("who may say what on the bus", () => {
  it("when the window's node forges a home decision (case.accepted) for a case, then the home refuses it as WRONG_SIDE", async () => {
    const { home, caseId, back } = await caseAtHome();
    // What Zhangzhou itself would send, but produced and signed by Xiamen and sent to Zhangzhou.
    const received = back.find((e) => e.type === "case.received")!;
    const forged = resigned({ ...received, type: "case.accepted", sourceNode: "xiamen", targetNode: "zhangzhou", caseSeq: 4 }, "xiamen");
    expect(await receive(home, forged)).toBe("WRONG_SIDE");
    expect((await home.store.read(caseId))?.status).toBe("RECEIVED_BY_HOME");
  });

  it("when a signed envelope's payload or position is altered on the way, then it is SIGNATURE_INVALID", async () => {
    const { window, back } = await caseAtHome();
    const received = back.find((e) => e.type === "case.received")!;
    expect(await receive(window, { ...received, caseSeq: received.caseSeq + 1 })).toBe("SIGNATURE_INVALID");
    expect(await receive(window, { ...received, payload: { event: { $case: "withdrawn", value: { reason: "x" } } } as never })).toBe(
      "SIGNATURE_INVALID",
    );
  });

  it("when an envelope is replayed under another source's name, then it is SIGNER_MISMATCH; re-signed by a node that is not the case's peer, NOT_CASE_PEER", async () => {
    const { window, back } = await caseAtHome();
    const received = back.find((e) => e.type === "case.received")!;
    expect(await receive(window, { ...received, sourceNode: "quanzhou" })).toBe("SIGNER_MISMATCH");
    expect(await receive(window, resigned({ ...received, sourceNode: "quanzhou" }, "quanzhou"))).toBe("NOT_CASE_PEER");
  });

  it("when an envelope is unsigned, signed with a key the network does not list, or from a source outside the network, then each has its code", async () => {
    const { window, back } = await caseAtHome();
    const received = back.find((e) => e.type === "case.received")!;
    expect(await receive(window, { ...received, signature: Buffer.alloc(0), keyId: "" })).toBe("SIGNATURE_MISSING");
    const { privateKey } = generateKeyPairSync("ed25519");
    const stranger = signerOf("node:zhangzhou", "zhangzhou-node-stolen", privateKey.export({ type: "pkcs8", format: "pem" }).toString());
    expect(await receive(window, signMessage(received, encodeEnvelope, stranger))).toBe("UNKNOWN_KEY");
    expect(await receive(window, { ...received, sourceNode: "fuzhou" })).toBe("UNKNOWN_SOURCE");
  });

  it("when the Kafka record's key is not the case id, then it is KEY_MISMATCH", async () => {
    const { window, back } = await caseAtHome();
    const received = back.find((e) => e.type === "case.received")!;
    expect(await receive(window, received, { key: "01SOMEOTHERCASE" })).toBe("KEY_MISMATCH");
    expect(await receive(window, received, { key: undefined })).toBe("KEY_MISMATCH");
  });

  it("when a submission names a receiving node other than its sender, or one outside the network, then the home refuses it as NOT_CASE_PEER", async () => {
    const { toHome } = await caseAtHome();
    const fresh = memoryNode("zhangzhou");
    const submitted = toHome.find((e) => e.type === "case.submitted")!;
    const w = submitted.payload!.event as unknown as { $case: "submitted"; value: Record<string, unknown> };
    for (const receivingNode of ["quanzhou", "fuzhou"]) {
      const claimed = resigned(
        { ...submitted, payload: { event: { ...w, value: { ...w.value, receivingNode } } } } as EventEnvelope,
        "xiamen",
      );
      expect(await receive(fresh, claimed)).toBe("NOT_CASE_PEER");
    }
    expect(await fresh.store.read(submitted.caseId)).toBeUndefined();
  });

  it("when the home node sends what only a window's node says (a command request), then the window refuses it as WRONG_SIDE", async () => {
    const { window, home, caseId } = await caseAtHome();
    await claimCase(home.ctx, caseId, clerk, 600);
    await executeHomeCommand(home.ctx, caseId, "req-0", clerk, { type: "SignForMaterials", actor: "home", data: {} });
    await executeHomeCommand(home.ctx, caseId, "req-1", clerk, { type: "Accept", actor: "home", data: {} });
    const accepted = envelopesFor(home, "xiamen").find((e) => e.type === "case.accepted")!;
    const request = resigned({
      ...accepted,
      type: "case.command_requested",
      caseSeq: 0,
      payload: {
        event: {
          $case: "commandRequested",
          value: { requestId: "r", requestedBy: "x", command: { $case: "withdraw", value: { reason: "" } } },
        },
      },
    } as EventEnvelope);
    expect(await receive(window, request)).toBe("WRONG_SIDE");
  });

  it("when a window forwards a case, then the applicant travels only sealed for the home, which alone opens it", async () => {
    const { home, caseId, toHome } = await caseAtHome();
    const submitted = toHome.find((e) => e.type === "case.submitted")!;
    const bytes = encodeEnvelope(submitted);
    for (const secret of ["陈晓明", "35020319800101123X", "13950000000", "示范路"]) expect(bytes.includes(Buffer.from(secret))).toBe(false);
    expect((await home.store.read(caseId))?.submission.applicant).toMatchObject({ name: "陈晓明", idNumber: "35020319800101123X" });
  });

  it("when the applicant comes in clear, sealed for another node, or moved from another case, then the home refuses it", async () => {
    const { toHome } = await caseAtHome();
    const submitted = toHome.find((e) => e.type === "case.submitted")!;
    const w = submitted.payload!.event as { $case: "submitted"; value: CaseSubmitted };
    const plain = sampleCaseSubmitted("xiamen", "zhangzhou", "XM-T-1");
    const withValue = (value: CaseSubmitted, over: Partial<EventEnvelope> = {}) =>
      resigned({ ...submitted, ...over, payload: { event: { $case: "submitted", value } } }, "xiamen");
    expect(await receive(memoryNode("zhangzhou"), withValue(plain))).toBe("NOT_SEALED");
    const forQuanzhou = memoryNode("xiamen").ctx.sealing.sealFor("quanzhou", Applicant.encode(plain.applicant!).finish(), submitted.caseId);
    expect(await receive(memoryNode("zhangzhou"), withValue({ ...w.value, sealedApplicant: forQuanzhou }))).toBe("UNSEALABLE");
    const moved = withValue(w.value, { caseId: "01TRUSTCASE000000000000002", eventId: "01MOVED" });
    expect(await receive(memoryNode("zhangzhou"), moved)).toBe("UNSEALABLE");
  });

  it("when a joint report arrives for a case that is not a leg, or a home's node sends one, then it is refused and the case keeps no report", async () => {
    const { home, window, caseId, toHome, back } = await caseAtHome();
    const forwarded = toHome.find((e) => e.type === "case.forwarded")!;
    const report = (from: "xiamen" | "zhangzhou", to: "xiamen" | "zhangzhou") =>
      resigned(
        {
          ...forwarded,
          eventId: `01REPORT${from}`,
          type: "case.joint_status_reported",
          sourceNode: from,
          targetNode: to,
          caseSeq: 0,
          payload: {
            event: {
              $case: "jointStatusReported",
              value: {
                version: 1,
                joint: {
                  jointId: "01JOINT0000000000000000001",
                  receiptNo: "XM-T-1",
                  itemCode: "TB-2021-051",
                  receivingNode: "xiamen",
                  state: "IN_PROGRESS",
                  stateZh: "办理中",
                  stateEn: "In progress",
                  reasons: [],
                  endedByLeg: "",
                  legs: [],
                  createdAt: undefined,
                  updatedAt: undefined,
                },
              },
            },
          },
        },
        from,
      );
    // The window's node about a case that is no leg of any application.
    expect(await receive(home, report("xiamen", "zhangzhou"))).toBe("MISROUTED");
    expect((await home.store.read(caseId))?.jointReport).toBeUndefined();
    // A report is the window node's to make: from the home it is the wrong side.
    expect(back.length).toBeGreaterThan(0);
    expect(await receive(window, report("zhangzhou", "xiamen"))).toBe("WRONG_SIDE");
  });
});
