/**
 * `npm run certs:audit -- <node>`: verifies a city registry's audit chain in its database and
 * prints OK with the chain head, or the first broken link (exit code 1).
 */
import { Network, commonKeys, loadConfig } from "@tongban/config";
import { dbNameOf, thisNode } from "@tongban/runtime";
import { connectMongo } from "@tongban/store";
import { AuditLog } from "./auditLog";

const [nodeArg] = process.argv.slice(2);
const cfg = loadConfig(commonKeys, { ...process.env, TONGBAN_NODE: nodeArg ?? process.env.TONGBAN_NODE });
const node = thisNode(Network.load(), cfg.node);
const mongo = await connectMongo(cfg.mongoUri, dbNameOf(cfg));
try {
  const report = await AuditLog.open(mongo.db).verify();
  if (report.ok) {
    console.log(`OK ${node.id}: ${report.checked} 条审计记录完整 / audit records intact, head ${report.headHash}`);
  } else {
    console.log(`BROKEN ${node.id}: 第一个断链 / first broken link at seq ${report.brokenSeq}: ${report.reason}`);
    process.exitCode = 1;
  }
} finally {
  await mongo.close();
}
