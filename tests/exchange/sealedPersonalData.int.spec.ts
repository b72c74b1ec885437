import { describe, expect, it } from "vitest";
import { topics } from "@tongban/contracts";
import { sampleSubmission } from "@tongban/demo";
import { networkTopicSpecs } from "@tongban/runtime";
import { apis, queuedIn } from "../support/clients";
import { readTopic } from "../support/readTopic";
import { type CityNode, network, useCities } from "../support/testNetwork";

describe("personal data on the bus", () => {
  const net = useCities(["xiamen", "quanzhou", "zhangzhou"], "sealed-pii");

  it("when cases travel between all three cities (one of them dead-lettered on the way), then no topic holds an applicant's name, id number or phone in clear, while each home authority reads them", async () => {
    const cities = net.cities as CityNode[];
    const pairs = cities.flatMap((a) => cities.filter((b) => b !== a).map((b) => [a, b] as const));
    const sent = await Promise.all(
      pairs.map(async ([from, to], i) => {
        const req = sampleSubmission(network.node(from.id)!, to.id, 700 + i);
        const { caseId } = await apis(from).submit(req);
        return { to, caseId, applicant: req.applicant! };
      }),
    );
    for (const s of sent) {
      const item = await queuedIn(s.to, s.caseId, "RECEIVED_BY_HOME");
      expect(item.applicantName).toBe(s.applicant.name);
      expect(item.applicantIdNumber).toBe(s.applicant.idNumber);
    }
    // A copy of a submission dead-lettered (keyed off its case) must stay sealed on the DLQ too.
    const first = sent[0]!;
    const inbound = topics.inbound(net.iso.topicPrefix, first.to.id);
    const [submitted] = await readTopic(net.bus, inbound, (rs) => rs.some((r) => r.key === first.caseId));
    await net.bus.publish([{ topic: inbound, key: "not-the-case-id", value: submitted!.value!, headers: submitted!.headers }]);
    await readTopic(net.bus, topics.deadLetter(net.iso.topicPrefix, first.to.id), (rs) => rs.some((r) => r.key === "not-the-case-id"));

    const secrets = sent.flatMap((s) => [s.applicant.name, s.applicant.idNumber, s.applicant.phone, s.applicant.address]);
    let scanned = 0;
    for (const { topic } of networkTopicSpecs(
      net.iso.topicPrefix,
      cities.map((c) => c.id),
    )) {
      for (const r of await readTopic(net.bus, topic)) {
        const raw = Buffer.concat([Buffer.from(r.key ?? ""), r.value ?? Buffer.alloc(0), Buffer.from(JSON.stringify(r.headers))]);
        for (const secret of secrets) expect(raw.includes(Buffer.from(secret)), `${topic} holds "${secret}" in clear`).toBe(false);
        scanned++;
      }
    }
    // Submissions, forwardings, receipts, tracking events and the dead letter: all read.
    expect(scanned).toBeGreaterThan(pairs.length * 4);
  });
});
