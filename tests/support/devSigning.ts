import { Network } from "@tongban/config";
import { Applicant, type CaseSubmitted, EventEnvelope, type Signer, encodeEnvelope, seal, signMessage } from "@tongban/contracts";
import type { SigningRole } from "@tongban/identity";
import { loadSigner } from "@tongban/runtime";

const signers = new Map<string, Signer>();

/** The development PKI's active signing key of a city's node or registry (what that process signs with). */
export function devSigner(city: string, role: SigningRole = "node"): Signer {
  const id = `${role}:${city}`;
  let s = signers.get(id);
  if (!s) {
    s = loadSigner({}, Network.load(), city, role);
    signers.set(id, s);
  }
  return s;
}

/** An envelope's bytes as `signedBy`'s node would publish them (default: its source node). */
export function signedEnvelope(partial: Partial<EventEnvelope>, signedBy = partial.sourceNode ?? ""): Buffer {
  return encodeEnvelope(signMessage(EventEnvelope.fromPartial(partial), encodeEnvelope, devSigner(signedBy)));
}

/** A submission as a window's node sends it: the applicant sealed for the home node's public key of the network configuration. */
export function sealedSubmission(s: CaseSubmitted, caseId: string): CaseSubmitted {
  const key = Network.load().sealingKeys.find((k) => k.principal === `node:${s.homeNode}` && k.status === "active");
  if (!key) throw new Error(`no sealing key for ${s.homeNode}`);
  const plain = Applicant.encode(s.applicant ?? Applicant.fromPartial({})).finish();
  return { ...s, applicant: undefined, sealedApplicant: seal(plain, key, caseId) };
}
