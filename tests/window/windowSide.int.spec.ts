import { type ClientReadableStream, status } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handlingOf, homeDepartment, isRemoteReceiptEligible, items } from "@tongban/catalog";
import { CatalogServiceClient, type WatchSentCasesResponse } from "@tongban/contracts";
import { sampleSubmission } from "@tongban/demo";
import { makeCertificateId, makeCreditCode } from "@tongban/identifiers";
import { callUnary } from "@tongban/rpc";
import { apis, queuedIn, sentCaseIn } from "../support/clients";
import { type CityNode, callerAs, eventually, isolation, network, startCities, stopCities } from "../support/testNetwork";

// The window's side of a case: what it must tell the applicant (一次性告知) through GetCase and
// the stream of its sent cases, the list of them, the catalog API, and identifiers as issued.

describe("the window's side of a case", () => {
  let cities: CityNode[];
  const city = (id: string) => cities.find((c) => c.id === id)!;
  let n = 9100;

  beforeAll(async () => {
    cities = await startCities(isolation(), ["xiamen", "zhangzhou"]);
  });
  afterAll(() => stopCities(cities));

  /** Collects what WatchSentCases sends until the test ends it. */
  function watch(c: CityNode, req: { since?: Date; homeNode?: string } = {}) {
    const got: WatchSentCasesResponse[] = [];
    const stream: ClientReadableStream<WatchSentCasesResponse> = c.intakeClient.watchSentCases({
      since: req.since,
      homeNode: req.homeNode ?? "",
    });
    stream.on("data", (m: WatchSentCasesResponse) => got.push(m));
    stream.on("error", () => undefined);
    return { got, stop: () => stream.cancel() };
  }

  const submit = async () => {
    const res = await apis(city("xiamen")).submit(sampleSubmission(network.node("xiamen")!, "zhangzhou", n++, "WIN"));
    await queuedIn(city("zhangzhou"), res.caseId, "RECEIVED_BY_HOME");
    await apis(city("zhangzhou")).claim(res.caseId);
    return res.caseId;
  };

  it("when the home asks for corrections and then refuses, then GetCase and WatchSentCases give the window every item and reason, and a resumed watch replays the changes it missed", async () => {
    const live = watch(city("xiamen"), { homeNode: "zhangzhou" });
    const startedAt = new Date();
    const caseId = await submit();
    const home = apis(city("zhangzhou"));
    const win = apis(city("xiamen"));

    await home.exec(caseId, { $case: "requestCorrection", value: { items: ["身份证复印件不清晰", "缺少授权委托书"] } });
    const asked = await sentCaseIn(city("xiamen"), caseId, "CORRECTION_REQUESTED");
    expect(asked.corrections).toEqual([
      expect.objectContaining({
        round: 1,
        items: ["身份证复印件不清晰", "缺少授权委托书"],
        requestedAt: expect.any(Date),
        submittedItems: [],
      }),
    ]);
    expect(asked.corrections[0]!.submittedAt).toBeUndefined();

    await win.submitCorrection(caseId, ["身份证复印件（重新提供）", "授权委托书"]);
    await queuedIn(city("zhangzhou"), caseId, "RECEIVED_BY_HOME");
    await home.exec(caseId, { $case: "refuse", value: { reasons: ["授权委托书未经公证", "不属于本机关受理范围"] } });
    const refused = await sentCaseIn(city("xiamen"), caseId, "NOT_ACCEPTED");
    expect(refused.refusalReasons).toEqual(["授权委托书未经公证", "不属于本机关受理范围"]);
    expect(refused.corrections[0]).toMatchObject({
      submittedItems: ["身份证复印件（重新提供）", "授权委托书"],
      submittedAt: expect.any(Date),
    });

    // The stream carried each step as the node applied it, the correction items and the reasons included.
    const mine = await eventually("the refusal on the stream", async () => {
      const m = live.got.filter((x) => x.case?.caseId === caseId);
      return m.some((x) => x.case?.state === "NOT_ACCEPTED") ? m : undefined;
    });
    live.stop();
    expect(mine[0]!.change).toBe("created");
    expect(mine.find((x) => x.case?.state === "CORRECTION_REQUESTED")?.case?.corrections[0]?.items).toEqual([
      "身份证复印件不清晰",
      "缺少授权委托书",
    ]);
    expect(mine.at(-1)!.case!.refusalReasons).toEqual(["授权委托书未经公证", "不属于本机关受理范围"]);

    // A window system that was away resumes from where it stopped: the case comes again, as it is now.
    const resumed = watch(city("xiamen"), { since: startedAt });
    const replayed = await eventually("the replay", async () => resumed.got.find((x) => x.case?.caseId === caseId));
    resumed.stop();
    expect(replayed).toMatchObject({
      change: "replayed",
      case: { state: "NOT_ACCEPTED", refusalReasons: ["授权委托书未经公证", "不属于本机关受理范围"] },
    });
  });

  it("when a third correction is asked after two rounds, then the home authority is refused (一次性告知) and must accept or refuse", async () => {
    const caseId = await submit();
    const home = apis(city("zhangzhou"));
    const win = apis(city("xiamen"));
    for (const round of [1, 2]) {
      await home.exec(caseId, { $case: "requestCorrection", value: { items: [`第${round}轮补正事项`] } });
      await sentCaseIn(city("xiamen"), caseId, "CORRECTION_REQUESTED");
      await win.submitCorrection(caseId, [`第${round}轮补正材料`]);
      await queuedIn(city("zhangzhou"), caseId, "RECEIVED_BY_HOME");
    }
    const third = await home.exec(caseId, { $case: "requestCorrection", value: { items: ["第三轮"] } }).then(
      () => undefined,
      (e: { code?: number; details?: string }) => e,
    );
    expect(third?.code).toBe(status.FAILED_PRECONDITION);
    expect(third?.details).toContain("补正告知最多 2 次");
    expect((await apis(city("xiamen")).sentCase(caseId)).corrections.map((c) => c.round)).toEqual([1, 2]);
  });

  it("when the window lists its sent cases, then filters and pages hold, and another city's window gets none of them", async () => {
    const ids = [await submit(), await submit(), await submit()];
    await apis(city("zhangzhou")).exec(ids[1]!, { $case: "refuse", value: { reasons: ["材料不齐"] } });
    await sentCaseIn(city("xiamen"), ids[1]!, "NOT_ACCEPTED");
    const i = city("xiamen").intakeClient;
    const list = (req: Partial<Parameters<typeof i.listSentCases>[0]>) =>
      callUnary(i, i.listSentCases, {
        state: "",
        homeNode: "",
        itemCode: "",
        overdueOnly: false,
        updatedSince: undefined,
        pageSize: 0,
        pageToken: "",
        ...req,
      });

    // The list reads the node's read model, written with the change's group commit.
    const refused = await eventually("the refused case listed", async () => {
      const r = await list({ state: "NOT_ACCEPTED", homeNode: "zhangzhou" });
      return r.cases.some((c) => c.caseId === ids[1]) ? r : undefined;
    });
    expect(refused.cases.every((c) => c.state === "NOT_ACCEPTED" && c.receivingNode === "xiamen")).toBe(true);

    // Newest first, two per page, every case once.
    const seen: string[] = [];
    let token = "";
    do {
      const page = await list({ pageSize: 2, pageToken: token });
      expect(page.cases.length).toBeLessThanOrEqual(2);
      seen.push(...page.cases.map((c) => c.caseId));
      token = page.nextPageToken;
    } while (token);
    expect(seen).toEqual([...seen].sort().reverse());
    for (const id of ids) expect(seen.filter((s) => s === id)).toHaveLength(1);

    expect((await list({ updatedSince: new Date(Date.now() + 60_000) })).cases).toEqual([]);
    const bad = await list({ state: "NO_SUCH_STATE", homeNode: "fuzhou" }).then(
      () => undefined,
      (e: { code?: number; details?: string }) => e,
    );
    expect(bad?.code).toBe(status.INVALID_ARGUMENT);

    // Zhangzhou's window sent none of them: its list has none of Xiamen's cases.
    const zz = city("zhangzhou").intakeClient;
    const theirs = await callUnary(zz, zz.listSentCases, {
      state: "",
      homeNode: "",
      itemCode: "",
      overdueOnly: false,
      updatedSince: undefined,
      pageSize: 200,
      pageToken: "",
    });
    expect(theirs.cases.filter((c) => ids.includes(c.caseId))).toEqual([]);
  });

  it("when a window or authority system asks the catalog API, then it answers from the catalog intake checks against, versioned for caching", async () => {
    const window = callerAs("xiamen", "window");
    const client = new CatalogServiceClient(`localhost:${city("xiamen").node.intakePort}`, window.credentials, window.options);
    const authority = callerAs("zhangzhou", "authority");
    const onQueue = new CatalogServiceClient(`localhost:${city("zhangzhou").node.queuePort}`, authority.credentials, authority.options);
    try {
      const all = await callUnary(client, client.listItems, { batch: "", remoteReceiptOnly: false, ifNoneMatch: "" });
      expect(all.items).toHaveLength(106);
      expect(all.version).not.toBe("");
      for (const it of all.items) {
        const expected = items().find((x) => x.code === it.code)!;
        expect(it.remoteReceipt).toBe(isRemoteReceiptEligible(expected.mode));
        expect(it.remoteReceiptReason).toMatch(/ \/ /);
        expect(it.homeDepartments.map((d) => [d.node, d.code])).toEqual(
          network.nodes.flatMap((n) => {
            const d = homeDepartment(it.code, n.id);
            return d ? [[n.id, d.code]] : [];
          }),
        );
        expect(it.timeLimits!.decisionDays).toBe(expected.timeLimits.decisionDays);
        expect(it.handling).toBe(handlingOf(expected).kind);
      }
      // A household move (户口迁移) is handled jointly: the move-out leg first, then the move-in leg.
      expect(all.items.find((i) => i.code === "TB-2021-051")).toMatchObject({
        handling: "joint",
        legs: [
          { role: "out", waitsFor: [] },
          { role: "in", waitsFor: ["out"] },
        ],
      });
      const cached = await callUnary(client, client.listItems, { batch: "", remoteReceiptOnly: false, ifNoneMatch: all.version });
      expect(cached).toMatchObject({ notModified: true, items: [], version: all.version });
      const eligible = await callUnary(onQueue, onQueue.listItems, { batch: "2020", remoteReceiptOnly: true, ifNoneMatch: "" });
      expect(eligible.items.length).toBeGreaterThan(0);
      expect(eligible.items.every((i) => i.batch === "2020" && i.remoteReceipt)).toBe(true);

      const used = sampleSubmission(network.node("xiamen")!, "zhangzhou", 1, "CAT").itemCode;
      const one = await callUnary(client, client.getItem, { code: used });
      expect(one.item).toMatchObject({ code: used, remoteReceipt: true });
      const missing = await callUnary(client, client.getItem, { code: "TB-1999-001" }).then(
        () => undefined,
        (e: { code?: number }) => e,
      );
      expect(missing?.code).toBe(status.NOT_FOUND);
    } finally {
      client.close();
      onQueue.close();
    }
  });

  it("when a certificate is referenced by its GB/T 36904 identifier as issued (alphanumeric type code), then intake accepts it", async () => {
    const issuer = makeCreditCode("11350203MB0179548");
    const certificateId = makeCertificateId({
      typeCode: "11100000000013338W011",
      issuerCode: issuer,
      serial: "2019050012345",
      version: "001",
    });
    const req = sampleSubmission(network.node("xiamen")!, "zhangzhou", n++, "GBT");
    const res = await apis(city("xiamen")).submit({ ...req, certificates: [{ certificateId, number: "闽0203-2019-0012345" }] });
    expect(res.caseId).not.toBe("");
    const queued = await queuedIn(city("zhangzhou"), res.caseId, "RECEIVED_BY_HOME");
    expect(queued.certificates.map((c) => c.certificateId)).toEqual([certificateId]);
  });
});
