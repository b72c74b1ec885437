/**
 * `npm run demo:submit -- <from> <to> [n]`: a window in <from> submits a sample case for a
 * matter whose home is <to>, then shows it arriving in <to>'s authority queue.
 * `npm run demo:submit -- --joint <from> <out> <in> [n]`: a joint application (多地联办, e.g. a
 * household move) transferring out of <out> into <in>; shows the transfer-out leg in <out>'s queue
 * and the application with both legs (the transfer-in leg waits for the transfer-out's approval). The window calls as
 * <from>'s `window-main` identity and the queue is read as <to>'s `authority-main` with a clerk
 * token of the case's home department, all from the development PKI (`.run/pki`, created by
 * `npm start` or here when missing).
 */
import { Network } from "@tongban/config";
import { AuthorityQueueServiceClient, IntakeServiceClient, type QueueItem } from "@tongban/contracts";
import { devPkiCities, sampleJointSubmission, sampleSubmission } from "@tongban/demo";
import { defaultPkiDir, ensureDevPki, signDevToken, spiffeUri } from "@tongban/identity";
import { bearer, callUnary, callerOf, devTlsSettings, fieldViolationsOf, transportOf } from "@tongban/rpc";

const args = process.argv.slice(2);
const joint = args[0] === "--joint";
if (joint) args.shift();
const [from = "xiamen", to = "quanzhou", ...rest] = args;
const into = joint ? (rest.shift() ?? from) : undefined;
const nArg = rest[0];
const network = Network.load();
const src = network.node(from);
const dst = network.node(to);
if (!src || !dst || (into !== undefined && !network.node(into))) {
  console.error(`未知城市 / unknown city; use one of: ${network.nodes.map((n) => n.id).join(", ")}`);
  process.exit(2);
}
const n = nArg ? Number(nArg) : Date.now() % 100_000_000;

await ensureDevPki(devPkiCities(network.nodes));
const window = callerOf(transportOf(devTlsSettings(from, "window", "main")), spiffeUri(from, "window", "main"));
const authority = callerOf(transportOf(devTlsSettings(to, "authority", "main")), spiffeUri(to, "authority", "main"));
// "localhost" rather than 127.0.0.1: a TLS client may not send an IP address as the server name (RFC 6066).
const intake = new IntakeServiceClient(`localhost:${src.ports.intake}`, window.credentials, window.options);
const queue = new AuthorityQueueServiceClient(`localhost:${dst.ports.queue}`, authority.credentials, authority.options);
const req = into ? sampleJointSubmission(src, to, into, n, "DEMOJ") : sampleSubmission(src, to, n, "DEMO");
try {
  const res = await callUnary(intake, intake.submitCase, req);
  // A joint application's first leg is the case the home at <to> (the transfer-out city) receives.
  const caseId = res.legs.find((l) => l.homeNode === to)?.caseId ?? res.caseId;
  const homeDepartment = res.legs.find((l) => l.homeNode === to)?.homeDepartment ?? req.homeDepartment;
  if (into)
    console.log(`联办申请 / joint application ${res.caseId}: ${res.legs.map((l) => `${l.role} ${l.homeNode} ${l.caseId}`).join(", ")}`);
  console.log(
    `提交成功 / submitted: case ${res.caseId} (receipt ${req.receiptNo}, item ${req.itemCode}) ${src.name.zh} → ${dst.name.zh}${res.duplicate ? " [duplicate]" : ""}`,
  );
  // A clerk of the home department the case is addressed to reads it from the queue.
  const clerk = bearer(
    await signDevToken(defaultPkiDir, { city: to, id: "demo-clerk", department: homeDepartment, roles: ["clerk"], ttlSeconds: 600 }),
  );
  const deadline = Date.now() + 15_000;
  let item: QueueItem | undefined;
  let lastError: Error | undefined;
  while (!item && Date.now() < deadline) {
    item = (
      await callUnary(queue, queue.getQueueItem, { caseId }, 5_000, clerk).catch((err: Error) => {
        lastError = err;
        return undefined;
      })
    )?.item;
    if (!item) await new Promise((r) => setTimeout(r, 200));
  }
  if (!item)
    throw new Error(`case ${caseId} did not reach ${to}'s queue within 15 s${lastError ? ` (last answer: ${lastError.message})` : ""}`);
  console.log(`已进入${dst.name.zh}办件队列 / in ${dst.name.en}'s queue (${homeDepartment}):`);
  console.log(JSON.stringify(item.case, null, 2));
  if (into) {
    const j = await callUnary(intake, intake.getJointCase, { jointId: res.caseId });
    console.log(`联办申请 / joint application (${src.name.zh}窗口):`);
    console.log(JSON.stringify(j.joint, null, 2));
  }
} catch (err) {
  console.error(`失败 / failed: ${(err as Error).message}`);
  for (const v of fieldViolationsOf(err)) console.error(`  ${v.field}: ${v.description}`);
  process.exitCode = 1;
} finally {
  intake.close();
  queue.close();
}
