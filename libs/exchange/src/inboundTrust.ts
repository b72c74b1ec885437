import { PoisonMessage } from "@tongban/bus";
import { type EventEnvelope, encodeEnvelope, signatureFaultReasons } from "@tongban/contracts";
import type { CaseDoc } from "./caseDoc";
import type { ExchangeContext } from "./exchangeContext";

/** What a window's node may send to a case's home; everything else in a case's history the home decides. */
const FROM_WINDOW: ReadonlySet<string> = new Set([
  "submitted",
  "forwarded",
  "commandRequested",
  "certificatesVerified",
  "jointStatusReported",
]);

const clip = (s: unknown) => String(s).slice(0, 64);

/**
 * Who sent an envelope, checked before anything else is read: the source is a node of the
 * network, the envelope carries that node's valid signature with a key of the network
 * configuration, and the Kafka record's key is the case id (so a record cannot jump into another
 * case's partition order). Each failure is a poison message with its own code.
 */
export function checkOrigin(ctx: ExchangeContext, env: EventEnvelope, recordKey: string | undefined): void {
  if (!ctx.nodes.has(env.sourceNode))
    throw new PoisonMessage(`source '${clip(env.sourceNode)}' is not a node of the network`, "UNKNOWN_SOURCE");
  const fault = ctx.trust.check(env, encodeEnvelope, `node:${env.sourceNode}`);
  if (fault)
    throw new PoisonMessage(`${signatureFaultReasons[fault]}: ${clip(env.type)} from ${env.sourceNode}, key '${clip(env.keyId)}'`, fault);
  if (recordKey !== env.caseId)
    throw new PoisonMessage(`record key '${clip(recordKey)}' is not the case id ${clip(env.caseId)}`, "KEY_MISMATCH");
}

/**
 * Who may say what about a case (the rule the signature makes enforceable): only the case's peer
 * node speaks for it, and it says only its side's part — a window's node sends the submission,
 * the forwarding, command requests and certificate checks; every other event of the history is
 * the home's to decide.
 */
export function checkSide(doc: Pick<CaseDoc, "_id" | "role" | "peerNode">, env: EventEnvelope, kind: string): void {
  // A local case has no peer: nothing about it ever arrives on the bus.
  if (env.sourceNode !== doc.peerNode || doc.role === "local") {
    throw new PoisonMessage(
      `${clip(env.type)} for case ${doc._id} from ${env.sourceNode}, which is not its peer (${doc.peerNode})`,
      "NOT_CASE_PEER",
    );
  }
  if (doc.role === "home" && !FROM_WINDOW.has(kind)) {
    throw new PoisonMessage(
      `${clip(env.type)} is the home's to decide; ${env.sourceNode} (the window's node) may not send it`,
      "WRONG_SIDE",
    );
  }
  if (doc.role === "receiving" && FROM_WINDOW.has(kind)) {
    throw new PoisonMessage(`${clip(env.type)} comes from a window's node, not from the case's home ${env.sourceNode}`, "WRONG_SIDE");
  }
}
