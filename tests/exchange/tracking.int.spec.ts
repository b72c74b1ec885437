import { describe, expect, it } from "vitest";
import type { InRecord } from "@tongban/bus";
import { TrackingEvent, topics } from "@tongban/contracts";
import { sampleSubmission } from "@tongban/demo";
import { apis, queuedIn, sentCaseIn } from "../support/clients";
import { readTopic } from "../support/readTopic";
import { type CityNode, network, useCities } from "../support/testNetwork";

describe("tracking events for operators", () => {
  const net = useCities(["xiamen", "quanzhou"], "tracking-test");

  it("when a case moves, then both nodes report each step they record, with no personal data", async () => {
    const [xm, qz] = net.cities as [CityNode, CityNode];
    const req = sampleSubmission(network.node("xiamen")!, "quanzhou", 3301);
    const { caseId } = await apis(xm).submit(req);
    await queuedIn(qz, caseId, "RECEIVED_BY_HOME");
    await apis(qz).claim(caseId);
    await apis(qz).exec(caseId, { $case: "signForMaterials", value: {} });
    await apis(qz).exec(caseId, { $case: "accept", value: {} });
    await sentCaseIn(xm, caseId, "ACCEPTED");

    const expected = [
      "xiamen case.submitted",
      "xiamen case.forwarded",
      "quanzhou case.submitted",
      "quanzhou case.forwarded",
      "quanzhou case.received",
      "xiamen case.received",
      "quanzhou case.materials_signed",
      "xiamen case.materials_signed",
      "quanzhou case.accepted",
      "xiamen case.accepted",
    ];
    const mine = (records: readonly InRecord[]) => records.map((r) => TrackingEvent.decode(r.value!)).filter((t) => t.caseId === caseId);
    const records = await readTopic(net.bus, topics.tracking(net.iso.topicPrefix), (r) => mine(r).length >= expected.length);
    const steps = mine(records);
    expect(steps.map((t) => `${t.reportedBy} ${t.step}`).sort()).toEqual([...expected].sort());
    const accepted = steps.find((t) => t.step === "case.accepted" && t.reportedBy === "quanzhou")!;
    expect(accepted).toMatchObject({ state: "ACCEPTED", dueStage: "decision", receivingNode: "xiamen", homeNode: "quanzhou", seq: 5 });

    const raw = Buffer.concat(records.map((r) => r.value!)).toString("utf8");
    for (const secret of [req.applicant!.name, req.applicant!.idNumber, req.applicant!.phone, req.applicant!.address]) {
      expect(raw).not.toContain(secret);
    }
  });
});
