import type { Logger } from "pino";
import { type InRecord, PoisonMessage } from "@tongban/bus";
import { CertificateRevoked } from "@tongban/contracts";
import { type ExchangeContext, flagRevokedCertificate } from "@tongban/exchange";

/**
 * Consumes the network's certificate revocations: every open case of this node that relies on
 * the revoked certificate is flagged for its authority. Undecodable records go to the dead-letter topic.
 */
export function revokedHandler(
  ctx: ExchangeContext,
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
    onRevoked?.(revoked);
    const flagged = await flagRevokedCertificate(ctx, revoked);
    log.info({ certificateId: revoked.certificateId, from: revoked.registryNode, flagged }, "certificate revocation applied");
  };
}
