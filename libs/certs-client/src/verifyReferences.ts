import { type CertificateCheck, VerificationOutcome, type VerifyResponse } from "@tongban/contracts";
import type { CertsClient } from "./certsClient";

/** What intake knows when it verifies an application's certificates. */
export interface ReferencesToVerify {
  caseId: string;
  itemCode: string;
  /** This node (the requesting node of the purpose). */
  requestingNode: string;
  /** Window clerk on whose behalf (operator of the purpose). */
  operator: string;
  /** The applicant, who must be the certificates' holder. */
  holder: { name: string; idNumber: string };
  refs: readonly { certificateId: string; number: string }[];
}

const describe = (err: unknown): string => {
  const e = err as { code?: number; details?: string; name?: string; message?: string };
  if (e?.name === "BrokenCircuitError" || e?.name === "IsolatedCircuitError") return "熔断中 / circuit open";
  if (e?.name === "BulkheadRejectedError") return "并发已满 / too many calls in flight";
  if (e?.name === "TimeoutBudget") return "超出核验时限 / verification time budget exhausted";
  return e?.details ?? e?.message ?? String(err);
};

class TimeoutBudget extends Error {
  override name = "TimeoutBudget";
}

/**
 * Verifies every referenced certificate with its issuing city's registry (routed by the issuer's
 * territory code), one batch per registry, in parallel, within `budgetMs` overall. Never throws:
 * a registry that cannot answer in time yields UNVERIFIED (re-verified later), a territory
 * outside the network NO_REGISTRY. A call still running when the budget ends is abandoned.
 */
export async function verifyReferences(client: CertsClient, input: ReferencesToVerify, budgetMs: number): Promise<CertificateCheck[]> {
  const purpose = { caseId: input.caseId, itemCode: input.itemCode, requestingNode: input.requestingNode, operator: input.operator };
  const base = (ref: { certificateId: string; number: string }, registryNode: string): CertificateCheck => ({
    certificateId: ref.certificateId.trim().toUpperCase(),
    number: ref.number,
    outcome: VerificationOutcome.VERIFICATION_OUTCOME_UNVERIFIED,
    typeName: "",
    issuerName: "",
    issuerCode: "",
    validFrom: undefined,
    validTo: undefined,
    verifiedBy: "",
    verifiedAt: undefined,
    auditSeq: 0,
    requestedBy: input.requestingNode,
    operator: input.operator,
    registryNode,
    detail: "",
  });
  const checks = input.refs.map((ref) => {
    const node = client.routeOf(ref.certificateId);
    return node
      ? base(ref, node)
      : {
          ...base(ref, ""),
          outcome: VerificationOutcome.VERIFICATION_OUTCOME_NO_REGISTRY,
          detail: "颁发机构属地不在本网络内，请核验原件 / the issuer's territory has no registry in this network; check the original",
        };
  });
  const byNode = new Map<string, number[]>();
  checks.forEach((c, i) => {
    if (c.registryNode) byNode.set(c.registryNode, [...(byNode.get(c.registryNode) ?? []), i]);
  });

  let timer: NodeJS.Timeout | undefined;
  const budget = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutBudget()), budgetMs);
  });
  budget.catch(() => undefined);
  await Promise.all(
    [...byNode].map(async ([node, idx]) => {
      const queries = idx.map((i) => ({
        certificateId: checks[i]!.certificateId,
        number: checks[i]!.number,
        holderName: input.holder.name,
        holderIdNumber: input.holder.idNumber,
      }));
      try {
        const answers = await Promise.race([client.verifyBatch(node, purpose, queries), budget]);
        idx.forEach((i, k) => (checks[i] = fromAnswer(checks[i]!, answers[k]!)));
      } catch (err) {
        const detail = `登记库 ${node} 暂不可用，待自动重新核验 / registry ${node} unavailable, will be re-verified: ${describe(err)}`;
        for (const i of idx) checks[i] = { ...checks[i]!, detail };
      }
    }),
  ).finally(() => clearTimeout(timer));
  return checks;
}

function fromAnswer(c: CertificateCheck, r: VerifyResponse): CertificateCheck {
  return {
    ...c,
    outcome: r.outcome,
    typeName: r.typeName,
    issuerName: r.issuerName,
    issuerCode: r.issuerCode,
    validFrom: r.validFrom,
    validTo: r.validTo,
    verifiedBy: r.verifiedBy,
    verifiedAt: r.verifiedAt,
    auditSeq: r.auditSeq,
    detail: "",
  };
}
