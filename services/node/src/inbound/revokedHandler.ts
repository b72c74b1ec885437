import type { Logger } from "pino";
import { type InRecord, PoisonMessage } from "@tongban/bus";
import type { Network } from "@tongban/config";
import { registryNodeOf } from "@tongban/certs-client";
import { CertificateRevoked, encodeRevocation, signatureFaultReasons } from "@tongban/contracts";
import { type ExchangeContext, flagRevokedCertificate } from "@tongban/exchange";

/**
 * Consumes the network's certificate revocations: every open case of this node that relies on
 * the revoked certificate is flagged for its authority. Only the registry of the certificate's
 * issuing territory may revoke it, and its signature must verify: anything else, like an
 * undecodable record, goes to the dead-letter topic with its code.
 */
export function revokedHandler(
  ctx: ExchangeContext,
  network: Network,
  log: Logger,
  onRevoked?: (r: CertificateRevoked) => void,
): (record: InRecord) => Promise<void> {
  return async (record) => {
    if (!record.value || record.value.length === 0) throw new PoisonMessage("empty message value", "UNDECODABLE");
    let revoked: CertificateRevoked;
    try {
      revoked = CertificateRevoked.decode(record.value);
    } catch (err) {
      throw new PoisonMessage(`undecodable certificate revocation: ${(err as Error).message}`, "UNDECODABLE");
    }
    if (!revoked.eventId || !revoked.certificateId) throw new PoisonMessage("revocation without event id or certificate id", "UNDECODABLE");
    const fault = ctx.trust.check(revoked, encodeRevocation, `registry:${revoked.registryNode}`);
    if (fault)
      throw new PoisonMessage(`${signatureFaultReasons[fault]}: revocation from registry '${revoked.registryNode.slice(0, 64)}'`, fault);
    const issuing = registryNodeOf(network, revoked.certificateId.trim().toUpperCase());
    if (issuing !== revoked.registryNode) {
      throw new PoisonMessage(
        `certificate ${revoked.certificateId.slice(0, 64)} was issued in ${issuing ?? "no territory of the network"}; the registry of ${revoked.registryNode} may not revoke it`,
        "NOT_ISSUING_REGISTRY",
      );
    }
    onRevoked?.(revoked);
    const flagged = await flagRevokedCertificate(ctx, revoked);
    log.info({ certificateId: revoked.certificateId, from: revoked.registryNode, flagged }, "certificate revocation applied");
  };
}
