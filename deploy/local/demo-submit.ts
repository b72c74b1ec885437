/**
 * `npm run demo:submit -- <from> <to> [n]`: a window in <from> submits a sample case for a
 * matter whose home is <to>, then shows it arriving in <to>'s authority queue.
 */
import { credentials } from "@grpc/grpc-js";
import { Network } from "@tongban/config";
import { AuthorityQueueServiceClient, IntakeServiceClient, type QueueItem } from "@tongban/contracts";
import { sampleSubmission } from "@tongban/demo";
import { callUnary, fieldViolationsOf } from "@tongban/rpc";

const [from = "xiamen", to = "quanzhou", nArg] = process.argv.slice(2);
const network = Network.load();
const src = network.node(from);
const dst = network.node(to);
if (!src || !dst) {
  console.error(`unknown city; use one of: ${network.nodes.map((n) => n.id).join(", ")}`);
  process.exit(2);
}
const n = nArg ? Number(nArg) : Date.now() % 100_000_000;

const intake = new IntakeServiceClient(`127.0.0.1:${src.ports.intake}`, credentials.createInsecure());
const queue = new AuthorityQueueServiceClient(`127.0.0.1:${dst.ports.queue}`, credentials.createInsecure());
const req = sampleSubmission(src, to, n, "DEMO");
try {
  const res = await callUnary(intake, intake.submitCase, req);
  console.log(
    `提交成功 / submitted: case ${res.caseId} (receipt ${req.receiptNo}, item ${req.itemCode}) ${src.name.zh} → ${dst.name.zh}${res.duplicate ? " [duplicate]" : ""}`,
  );
  const deadline = Date.now() + 15_000;
  let item: QueueItem | undefined;
  while (!item && Date.now() < deadline) {
    item = (await callUnary(queue, queue.getQueueItem, { caseId: res.caseId }).catch(() => undefined))?.item;
    if (!item) await new Promise((r) => setTimeout(r, 200));
  }
  if (!item) throw new Error(`case ${res.caseId} did not reach ${to}'s queue within 15 s`);
  console.log(`已进入${dst.name.zh}办件队列 / in ${dst.name.en}'s queue:`);
  console.log(JSON.stringify(item.case, null, 2));
} catch (err) {
  console.error(`失败 / failed: ${(err as Error).message}`);
  for (const v of fieldViolationsOf(err)) console.error(`  ${v.field}: ${v.description}`);
  process.exitCode = 1;
} finally {
  intake.close();
  queue.close();
}
