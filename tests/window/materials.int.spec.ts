import { createHash, randomBytes } from "node:crypto";
import { status } from "@grpc/grpc-js";
import { Binary } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MaterialCopyState, type MaterialFile, MaterialServiceClient, type UploadMaterialResponse } from "@tongban/contracts";
import { homeDepartment as departmentIn } from "@tongban/catalog";
import { sampleSubmission } from "@tongban/demo";
import type { RunningMonitor } from "@tongban/monitor";
import { callUnary, errorReasonOf, fieldViolationsOf } from "@tongban/rpc";
import { MaterialStore } from "../../services/node/src/materials/materialStore";
import { startTcpProxy, type TcpProxy } from "../robustness/tcpProxy";
import { awaitJson, startTestMonitor } from "../monitor/monitorSupport";
import { apis, queuedIn, sentCaseIn } from "../support/clients";
import {
  type CityNode,
  type Isolation,
  callerAs,
  clerkMetadata,
  eventually,
  isolation,
  network,
  startCities,
  stopCities,
} from "../support/testNetwork";

// 电子材料 by claim-check: a Quanzhou window uploads scans to its node, the case carries only
// their references and digests, and Xiamen (the home) fetches, verifies and keeps its own copy.

const MB = 1024 * 1024;
/** A PDF of `size` bytes: the header the node sniffs, then random bytes. */
const pdf = (size: number) => Buffer.concat([Buffer.from("%PDF-1.7\n"), randomBytes(size - 9)]);
const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");
/** 网上预审，申请材料邮政寄递: acceptance on verified scans allowed. */
const PRE_REVIEW_ITEM = "TB-2020-026";
/** 异地代收代办: acceptance waits for the paper. */
const PAPER_ITEM = "TB-2021-049";

describe("scanned materials by claim-check (电子材料)", () => {
  let iso: Isolation;
  let qz: CityNode;
  let xm: CityNode;
  let proxy: TcpProxy;
  let uploads: MaterialServiceClient;
  let monitor: RunningMonitor;
  let n = 9600;

  beforeAll(async () => {
    iso = isolation();
    qz = (await startCities(iso, ["quanzhou"]))[0]!;
    // Xiamen fetches from Quanzhou through a proxy the test can cut; failed fetches retry soon.
    proxy = await startTcpProxy(`localhost:${qz.node.intakePort}`);
    xm = (
      await startCities(iso, ["xiamen"], undefined, {
        materialSources: { quanzhou: `localhost:${proxy.port}` },
        materialFetchRetryMs: 300,
      })
    )[0]!;
    const window = callerAs("quanzhou", "window");
    uploads = new MaterialServiceClient(`localhost:${qz.node.intakePort}`, window.credentials, window.options);
    monitor = await startTestMonitor(iso, [qz, xm]);
  });
  afterAll(async () => {
    uploads.close();
    await monitor?.stop();
    await stopCities([xm, qz].filter(Boolean));
    await proxy.close();
  });

  /** Uploads `bytes` in 1 MiB messages. */
  const upload = (bytes: Buffer, mediaType = "application/pdf", declared: { size?: number; sha256?: string } = {}) =>
    new Promise<MaterialFile>((resolve, reject) => {
      const call = uploads.uploadMaterial((err: Error | null, res?: UploadMaterialResponse) => (err ? reject(err) : resolve(res!.file!)));
      call.write({ part: { $case: "header", value: { mediaType, size: declared.size ?? 0, sha256: declared.sha256 ?? "" } } });
      for (let at = 0; at < bytes.length; at += MB) call.write({ part: { $case: "chunk", value: bytes.subarray(at, at + MB) } });
      call.end();
    });

  /** Submits a Quanzhou → Xiamen case of `itemCode` citing `files` (and `paperOnly` materials without a scan); its case id. */
  const submitWith = async (files: MaterialFile[], itemCode = PRE_REVIEW_ITEM, paperOnly = 0) => {
    const req = sampleSubmission(network.node("quanzhou")!, "xiamen", n++);
    req.itemCode = itemCode;
    req.homeDepartment = departmentIn(itemCode, "xiamen")!.code;
    req.materials = [
      ...files.map((file, i) => ({ name: `扫描件${i + 1}`, copies: 1, file })),
      ...Array.from({ length: paperOnly }, (_, i) => ({ name: `纸质材料${i + 1}`, copies: 1 })),
    ];
    return (await apis(qz).submit(req)).caseId;
  };

  /** The home's check of the case's scans (case.scans_checked) once both sides hold it. */
  const scansChecked = (caseId: string) =>
    eventually(
      `both sides hold the scans' check of ${caseId}`,
      async () => {
        const read = async (c: CityNode) =>
          (await c.db.db.collection<{ _id: string; state: { scans?: unknown } }>("cases").findOne({ _id: caseId }))?.state.scans;
        const [home, window] = [await read(xm), await read(qz)];
        return home && window ? { home, window } : undefined;
      },
      60_000,
    );
  /** The home clerk takes the case into work: in the queue, claimed. */
  const claimAtHome = async (caseId: string) => {
    await queuedIn(xm, caseId, "RECEIVED_BY_HOME");
    await apis(xm).claim(caseId);
  };
  const refusal = (p: Promise<unknown>) =>
    p.then(
      () => undefined,
      (e: { code: number; details: string }) => e,
    );

  /** The home's copy, read back whole from its store. */
  const homeCopy = async (caseId: string, ref: string) => {
    const id = `${caseId}/${ref}`;
    const file = await xm.db.db.collection("material_files").findOne({ _id: id as never });
    const chunks: Buffer[] = [];
    for (let i = 0; file && i * 256 * 1024 < file.size; i++) {
      const c = await xm.db.db.collection("material_chunks").findOne({ _id: `${id}/${String(i).padStart(6, "0")}` as never });
      if (c) chunks.push(Buffer.from((c.data as Binary).buffer));
    }
    return { file, bytes: Buffer.concat(chunks) };
  };
  const homeState = (caseId: string, ref: string, state: string) =>
    eventually(
      `xiamen holds ${ref} of ${caseId} as ${state}`,
      async () => {
        const f = await xm.db.db.collection("material_files").findOne({ _id: `${caseId}/${ref}` as never });
        return f?.state === state ? f : undefined;
      },
      60_000,
    );

  const homeDepartment = async (caseId: string) =>
    (await xm.db.db.collection<{ _id: string; homeDepartment: string }>("cases").findOne({ _id: caseId }))!.homeDepartment;
  /** The Xiamen clerk's pre-review (网上预审): the case's materials and their scans' state. */
  const listMaterials = async (caseId: string, department?: string) =>
    callUnary(
      xm.queueClient,
      xm.queueClient.listMaterials,
      { caseId },
      5_000,
      await clerkMetadata("xiamen", "clerk-a", department ?? (await homeDepartment(caseId))),
    );
  /** The whole scan as the clerk downloads it, or the call's error. */
  const download = async (caseId: string, ref: string) => {
    const meta = await clerkMetadata("xiamen", "clerk-a", await homeDepartment(caseId));
    return new Promise<Buffer | { code: number; details: string }>((resolve) => {
      const parts: Buffer[] = [];
      const call = xm.queueClient.downloadMaterial({ caseId, ref, offset: 0 }, meta);
      call.on("data", (d: { data: Buffer }) => parts.push(Buffer.from(d.data)));
      call.on("error", (e: { code: number; details: string }) => resolve(e));
      call.on("end", () => resolve(Buffer.concat(parts)));
    });
  };

  it("when a 20 MB scan is uploaded in Quanzhou and cited by a case homed in Xiamen, then Xiamen holds a verified copy equal byte for byte", async () => {
    const scan = pdf(20 * MB);
    const file = await upload(scan, "application/pdf", { size: scan.length, sha256: sha256(scan) });
    expect(file).toMatchObject({ sha256: sha256(scan), size: scan.length, mediaType: "application/pdf" });
    const caseId = await submitWith([file]);
    await homeState(caseId, file.ref, "verified");
    const copy = await homeCopy(caseId, file.ref);
    expect(copy.bytes.length).toBe(scan.length);
    expect(copy.bytes.equals(scan)).toBe(true);

    // Pre-review: the clerk sees the scan verified (the paper not yet signed for) and reads it whole.
    const listed = await listMaterials(caseId);
    expect(listed.paperSigned).toBe(false);
    expect(listed.materials).toEqual([
      expect.objectContaining({ index: 0, file, state: MaterialCopyState.MATERIAL_COPY_STATE_VERIFIED, stored: scan.length }),
    ]);
    const downloaded = await download(caseId, file.ref);
    expect(Buffer.isBuffer(downloaded) && downloaded.equals(scan)).toBe(true);
    // Another department's clerk sees nothing of it.
    await expect(listMaterials(caseId, "other-dept")).rejects.toMatchObject({ code: status.PERMISSION_DENIED });
  });

  it("when the window's copy is altered after the case was sent, then Xiamen refuses it with a digest mismatch and keeps none of its bytes", async () => {
    const scan = pdf(3 * MB);
    const file = await upload(scan);
    // Tamper with the receiving node's stored bytes (one chunk) before the home fetches them.
    await proxy.cut();
    const caseId = await submitWith([file]);
    const chunkId = `${file.ref}/000001`;
    const chunk = await qz.db.db.collection("material_chunks").findOne({ _id: chunkId as never });
    const altered = Buffer.from((chunk!.data as Binary).buffer);
    altered[100] = altered[100]! ^ 0xff;
    await qz.db.db.collection("material_chunks").updateOne({ _id: chunkId as never }, { $set: { data: new Binary(altered) } });
    proxy.restore();
    const f = await homeState(caseId, file.ref, "digest_mismatch");
    expect(f.sha256).toBe(sha256(scan));
    expect(f.actualSha256).not.toBe(sha256(scan));
    expect(await xm.db.db.collection("material_chunks").findOne({ _id: `${caseId}/${file.ref}/000000` as never })).toBeNull();
    expect(xm.node.materialFetches().find((o) => o.id === `${caseId}/${file.ref}`)?.state).toBe("digest_mismatch");
    // The clerk is told, and cannot read it.
    expect((await listMaterials(caseId)).materials[0]).toMatchObject({
      state: MaterialCopyState.MATERIAL_COPY_STATE_DIGEST_MISMATCH,
      stored: 0,
    });
    expect(await download(caseId, file.ref)).toMatchObject({ code: status.FAILED_PRECONDITION });
    // The check names the refused scan; the case cannot be accepted on it, and the monitor says so.
    expect((await scansChecked(caseId)).home).toMatchObject({ verified: 0, mismatchedRefs: [file.ref], paperOnly: 0 });
    await claimAtHome(caseId);
    const early = await refusal(apis(xm).exec(caseId, { $case: "accept", value: {} }));
    expect(early?.code).toBe(status.FAILED_PRECONDITION);
    expect(early?.details).toContain(`电子材料 ${file.ref} 核验不符`);
    const seen = await awaitJson(monitor, `/api/cases/${caseId}`, "the mismatch on the monitor", (d) =>
      d.summary?.scans?.state === "mismatch" ? d.summary.scans : undefined,
    );
    expect(seen).toMatchObject({ cited: 1, verified: 0, mismatched: 1 });
    // The window is told which scan was refused, to ask the applicant again.
    expect(await apis(qz).sentCase(caseId)).toMatchObject({ scansVerified: 0, scansMismatchedRefs: [file.ref] });
  });

  it("when every scan of a pre-review item (网上预审) verifies, then the clerk accepts on them before the paper arrives, still signs for the paper, and the monitor shows both", async () => {
    const scans = [pdf(600 * 1024), pdf(40 * 1024)];
    const files = await Promise.all(scans.map((s) => upload(s)));
    const caseId = await submitWith(files);
    const checked = await scansChecked(caseId);
    expect(checked.home).toMatchObject({ verified: 2, mismatchedRefs: [], paperOnly: 0 });
    expect(checked.window).toEqual(checked.home);
    await claimAtHome(caseId);
    const accepted = await apis(xm).exec(caseId, { $case: "accept", value: {} });
    expect(accepted.item!.case!).toMatchObject({ state: "ACCEPTED" });
    expect(accepted.item!.case!.materialsSignedAt).toBeUndefined();
    // The paper leg stays tracked: it is still signed for when the parcel arrives.
    await apis(xm).exec(caseId, { $case: "signForMaterials", value: {} });
    expect((await listMaterials(caseId)).paperSigned).toBe(true);
    const detail = await awaitJson(monitor, `/api/cases/${caseId}`, "the scans and the acceptance on the monitor", (d) =>
      d.summary?.acceptedOnElectronicCopies && d.summary?.materialsSignedAt ? d : undefined,
    );
    expect(detail.summary.scans).toMatchObject({ cited: 2, verified: 2, mismatched: 0, state: "verified" });
    const step = detail.timeline.find((s: { step: string }) => s.step === "case.scans_checked");
    expect(step.reports.map((r: { node: string }) => r.node).sort()).toEqual(["quanzhou", "xiamen"]);
    // The window sees the check and the acceptance on electronic copies in its case view.
    const view = await sentCaseIn(qz, caseId, "ACCEPTED");
    expect(view).toMatchObject({ scansVerified: 2, scansMismatchedRefs: [], acceptedOnElectronicCopies: true });
    expect(view.scansCheckedAt).toBeInstanceOf(Date);
  });

  it("when the item's mode has no online pre-review, or a material has no scan, then verified scans are not enough and acceptance waits for the paper", async () => {
    const paperItem = await submitWith([await upload(pdf(20 * 1024))], PAPER_ITEM);
    const partly = await submitWith([await upload(pdf(20 * 1024))], PRE_REVIEW_ITEM, 1);
    for (const [caseId, why] of [
      [paperItem, "该事项的实现形式不含网上预审"],
      [partly, "1 份材料没有电子件"],
    ] as const) {
      await scansChecked(caseId);
      await claimAtHome(caseId);
      const early = await refusal(apis(xm).exec(caseId, { $case: "accept", value: {} }));
      expect(early?.code).toBe(status.FAILED_PRECONDITION);
      expect(errorReasonOf(early as never)).toBe("MATERIALS_REQUIRED");
      expect(early?.details).toContain(why);
      await apis(xm).exec(caseId, { $case: "signForMaterials", value: {} });
      const accepted = (await apis(xm).exec(caseId, { $case: "accept", value: {} })).item!.case!;
      expect(accepted).toMatchObject({ state: "ACCEPTED", acceptedOnElectronicCopies: false });
    }
  });

  it("when the link drops in the middle of a fetch, then the fetch resumes after what was stored and the copy verifies", async () => {
    const scan = pdf(30 * MB);
    const file = await upload(scan);
    const caseId = await submitWith([file]);
    const id = `${caseId}/${file.ref}`;
    // Cut once part of the file is stored at the home, restore shortly after.
    await eventually(
      `part of ${id} stored`,
      async () => {
        const f = await xm.db.db.collection("material_files").findOne({ _id: id as never });
        return f && f.stored > 2 * MB && f.stored < scan.length ? f : undefined;
      },
      60_000,
    );
    proxy.cut();
    await new Promise((r) => setTimeout(r, 500));
    proxy.restore();
    await homeState(caseId, file.ref, "verified");
    const outcome = xm.node.materialFetches().find((o) => o.id === id);
    expect(outcome?.resumedAt).toBeGreaterThan(0);
    expect((await homeCopy(caseId, file.ref)).bytes.equals(scan)).toBe(true);
  });

  it("when an upload is not what it claims or a case cites an unknown reference, then each is refused naming the field", async () => {
    const notPdf = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(1000)]);
    await expect(upload(notPdf, "application/pdf")).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
    await expect(upload(pdf(2000), "text/html")).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
    const scan = pdf(5000);
    await expect(upload(scan, "application/pdf", { sha256: sha256(pdf(5000)) })).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
    const good = await upload(scan);
    const req = sampleSubmission(network.node("quanzhou")!, "xiamen", n++);
    req.materials = [
      { name: "扫描件", copies: 1, file: { ...good, ref: "m000000000000000000000000" } },
      { name: "扫描件2", copies: 1, file: { ...good, sha256: "0".repeat(64) } },
    ];
    const err = await apis(qz)
      .submit(req)
      .then(
        () => undefined,
        (e: unknown) => e as { code: number },
      );
    expect(err?.code).toBe(status.INVALID_ARGUMENT);
    expect(fieldViolationsOf(err).map((v) => v.field)).toEqual(["materials[0].file.ref", "materials[1].file.sha256"]);
  });

  it("when a node that is not the case's home asks for a material, then it is NOT_FOUND", async () => {
    const scan = pdf(4000);
    const file = await upload(scan);
    const caseId = await submitWith([file]);
    const zz = callerAs("zhangzhou", "node", "zhangzhou");
    const stranger = new MaterialServiceClient(`localhost:${qz.node.intakePort}`, zz.credentials, zz.options);
    try {
      const err = await new Promise<{ code: number }>((resolve) => {
        const call = stranger.fetchMaterial({ caseId, ref: file.ref, offset: 0 });
        call.on("data", () => undefined);
        call.on("error", (e: { code: number }) => resolve(e));
        call.on("end", () => resolve({ code: status.OK }));
      });
      expect(err.code).toBe(status.NOT_FOUND);
    } finally {
      stranger.close();
    }
  });

  it("when a scan is uploaded and no submission cites it, then it expires after its retention while a cited one stays", async () => {
    const store = MaterialStore.open(qz.db.db);
    const orphan = await upload(pdf(300 * 1024));
    const cited = await upload(pdf(2000));
    await submitWith([cited]);
    expect(await store.pruneUncited(new Date(Date.now() - 60_000))).toBe(0);
    expect(await store.pruneUncited(new Date(Date.now() + 8 * 24 * 3600 * 1000))).toBeGreaterThanOrEqual(1);
    expect(await store.get(orphan.ref)).toBeNull();
    for (const n of ["000000", "000001"])
      expect(await qz.db.db.collection("material_chunks").findOne({ _id: `${orphan.ref}/${n}` as never })).toBeNull();
    expect(await store.get(cited.ref)).toMatchObject({ state: "uploaded", citedBy: expect.stringMatching(/^quanzhou:/) });
  });
});
