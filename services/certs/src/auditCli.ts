/**
 * `npm run certs:audit -- <node>`: verifies a city registry's audit chain in its database, record
 * by record and against the chain heads the registry published on the anchors topic, and prints
 * OK with the chain head, or the first broken link (exit code 1).
 */
import { Bus } from "@tongban/bus";
import { Network, commonKeys, loadConfig } from "@tongban/config";
import { createLogger } from "@tongban/log";
import { busConnection, dbNameOf, thisNode, trustOf } from "@tongban/runtime";
import { connectMongo } from "@tongban/store";
import { readAnchors } from "./auditAnchors";
import { AuditLog } from "./auditLog";

const [nodeArg] = process.argv.slice(2);
const cfg = loadConfig(commonKeys, { ...process.env, TONGBAN_NODE: nodeArg ?? process.env.TONGBAN_NODE });
const network = Network.load();
const node = thisNode(network, cfg.node);
const bus = new Bus(busConnection(cfg, `tongban-certs-audit-${node.id}`), createLogger({ service: "certs-audit", level: cfg.logLevel }));
const mongo = await connectMongo(cfg.mongoUri, dbNameOf(cfg));
try {
  const anchors = await readAnchors(bus, trustOf(network), cfg.topicPrefix, node.id);
  const report = await AuditLog.open(mongo.db).verify(anchors);
  if (report.ok) {
    console.log(
      `OK ${node.id}: ${report.checked} 条审计记录完整，${report.anchorsChecked} 个锚点相符 / audit records intact, ${report.anchorsChecked} anchors match, head ${report.headHash}`,
    );
  } else {
    console.log(`BROKEN ${node.id}: 第一个断链 / first broken link at seq ${report.brokenSeq}: ${report.reason}`);
    process.exitCode = 1;
  }
} finally {
  await mongo.close();
  await bus.close();
}
