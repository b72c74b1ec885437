import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { WorkingDayCalendar } from "@tongban/calendar";
import { Network, defaultNetworkFile } from "@tongban/config";
import { createLogger } from "@tongban/log";
import type { DeadLetterStore } from "../adapters/deadLetterStore";
import type { OpsProbe } from "../adapters/opsProbe";
import type { TrackingStore } from "../adapters/trackingStore";
import { CaseBook } from "../domain/caseBook";
import type { TrackingRecord } from "../domain/trackingRecord";
import { MonitorViews } from "../monitorViews";
import type { Replayer } from "../replayer";
import { HttpAccess } from "./httpAccess";
import { LiveEvents } from "./liveEvents";
import { monitorApi } from "./monitorApi";

const t0 = new Date("2026-03-02T02:00:00Z");
const at = (s: number) => new Date(t0.getTime() + s * 1000);
const rec = (
  caseId: string,
  step: string,
  state: string,
  seq: number,
  by: string,
  extra: Partial<TrackingRecord> = {},
): TrackingRecord => ({
  _id: `${caseId}-${seq}-${by}`,
  caseId,
  itemCode: "TB-2020-001",
  receivingNode: "xiamen",
  homeNode: "quanzhou",
  homeDepartment: "gaj",
  step,
  state,
  seq,
  occurredAt: at(seq * 10),
  reportedBy: by,
  recordedAt: at(seq * 10 + 1),
  dueStage: "",
  ...extra,
});

const checked = { scansCited: 2, scansCheckedAt: at(40), scansVerified: 2, scansMismatched: 0 };
const records: TrackingRecord[] = [
  // Accepted on its verified scans (网上预审受理).
  rec("C-ONLINE", "case.received", "RECEIVED_BY_HOME", 3, "quanzhou", { scansCited: 2 }),
  rec("C-ONLINE", "case.scans_checked", "RECEIVED_BY_HOME", 4, "quanzhou", checked),
  rec("C-ONLINE", "case.scans_checked", "RECEIVED_BY_HOME", 4, "xiamen", checked),
  rec("C-ONLINE", "case.accepted", "ACCEPTED", 5, "quanzhou", { ...checked, acceptedOnElectronicCopies: true }),
  // One scan did not match its digest.
  rec("C-BAD", "case.received", "RECEIVED_BY_HOME", 3, "quanzhou", { scansCited: 3 }),
  rec("C-BAD", "case.scans_checked", "RECEIVED_BY_HOME", 4, "quanzhou", {
    scansCited: 3,
    scansCheckedAt: at(45),
    scansVerified: 2,
    scansMismatched: 1,
  }),
  rec("C-PENDING", "case.received", "RECEIVED_BY_HOME", 3, "quanzhou", { scansCited: 1 }),
  rec("C-PAPER", "case.received", "RECEIVED_BY_HOME", 3, "quanzhou"),
];

describe("scans (电子材料) in the monitor's JSON API", () => {
  let app: FastifyInstance;
  const live = new LiveEvents();

  beforeAll(async () => {
    const book = new CaseBook();
    for (const r of records) book.add(r);
    const tracking = { byCase: async (id: string) => records.filter((r) => r.caseId === id) } as unknown as TrackingStore;
    const views = new MonitorViews({
      book,
      tracking,
      deadLetters: {} as DeadLetterStore,
      network: Network.load(defaultNetworkFile),
      calendar: WorkingDayCalendar.default(),
      policy: { dueSoonDays: 2, materialsDays: 3 },
      now: () => at(100),
    });
    const log = createLogger({ service: "t", level: "silent" });
    const access = new HttpAccess({ host: "127.0.0.1", allowedOrigins: [], log });
    app = await monitorApi({ views, replayer: {} as Replayer, probe: {} as OpsProbe, live, access, log });
  });
  afterAll(async () => {
    live.close();
    await app.close();
  });

  it("when a case was accepted on its verified scans, then GET /api/cases/:caseId has summary.scans verified and acceptedOnElectronicCopies", async () => {
    const res = await app.inject({ url: "/api/cases/C-ONLINE" });
    expect(res.statusCode).toBe(200);
    const { summary } = res.json();
    expect(summary.scans).toEqual({ cited: 2, checkedAt: at(40).toISOString(), verified: 2, mismatched: 0, state: "verified" });
    expect(summary.acceptedOnElectronicCopies).toBe(true);
  });

  it("when a scan did not match, then the case's summary says mismatch with the counts; a case not yet checked is pending; a paper-only case has neither field", async () => {
    const summaryOf = async (id: string) => (await app.inject({ url: `/api/cases/${id}` })).json().summary;
    expect((await summaryOf("C-BAD")).scans).toEqual({
      cited: 3,
      checkedAt: at(45).toISOString(),
      verified: 2,
      mismatched: 1,
      state: "mismatch",
    });
    expect((await summaryOf("C-PENDING")).scans).toEqual({ cited: 1, verified: 0, mismatched: 0, state: "pending" });
    const paper = await summaryOf("C-PAPER");
    expect(paper).not.toHaveProperty("scans");
    expect(paper).not.toHaveProperty("acceptedOnElectronicCopies");
  });

  it("when the page asks for its labels, then the step case.scans_checked has its Chinese and English name", async () => {
    const { steps } = (await app.inject({ url: "/api/labels" })).json();
    expect(steps["case.scans_checked"]).toEqual({ zh: "电子材料已核验", en: "Scans checked" });
  });

  it("when the overview lists recent cases, then each row carries its scans and electronic acceptance", async () => {
    const recent: { caseId: string; scans?: { state: string }; acceptedOnElectronicCopies?: boolean }[] = (
      await app.inject({ url: "/api/overview" })
    ).json().recent;
    const row = (id: string) => recent.find((r) => r.caseId === id)!;
    expect(row("C-ONLINE")).toMatchObject({ scans: { state: "verified" }, acceptedOnElectronicCopies: true });
    expect(row("C-BAD").scans?.state).toBe("mismatch");
    expect(row("C-PENDING").scans?.state).toBe("pending");
    expect(row("C-PAPER")).not.toHaveProperty("scans");
  });
});
