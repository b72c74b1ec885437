import { html, nothing } from "lit-html";
import type { CaseSummaryView } from "../../apiTypes";
import { when } from "../format";
import { t } from "../i18n";

type Scans = NonNullable<CaseSummaryView["scans"]>;

const count = (key: string, n: number) => t(key).replace("{n}", String(n));

/** The home node's check of the scans: pending, verified, or a digest mismatch (bad) with what did match. */
function checkOutcome(sc: Scans) {
  switch (sc.state) {
    case "pending":
      return html`<span class="warn">${t("scansPending")}</span>`;
    case "verified":
      return html`<span class="ok">${count("scansVerified", sc.verified)}</span>`;
    case "mismatch":
      return html`<span class="bad">${count("scansMismatch", sc.mismatched)}</span
        >${sc.verified > 0 ? html` · ${count("scansVerified", sc.verified)}` : nothing}`;
    default:
      return sc.state satisfies never;
  }
}

/**
 * A case's electronic materials (电子材料) in its timeline: how many it cites and the home node's
 * check of them, and whether it was accepted on them (网上预审受理). Nothing for a paper-only case.
 */
export const scansLine = (s: CaseSummaryView) => {
  const sc = s.scans;
  if (!sc && !s.acceptedOnElectronicCopies) return nothing;
  return html`<div>
    ${
      sc
        ? html`<span data-testid="timeline-scans" data-state=${sc.state} data-cited=${sc.cited}
            >${count("scansCited", sc.cited)}${checkOutcome(sc)}${sc.checkedAt ? html` <span class="muted">${when(sc.checkedAt)}</span>` : nothing}</span
          >`
        : nothing
    }
    ${
      s.acceptedOnElectronicCopies
        ? html`<span class="chip" data-testid="timeline-accepted-on-scans">${t("acceptedOnElectronicCopies")}</span>`
        : nothing
    }
  </div>`;
};

/** A small mark in the case list while a case's scans are not verified: pending, or (bad) a digest mismatch. */
export const scansBadge = (s: Pick<CaseSummaryView, "scans">) =>
  s.scans?.state === "pending"
    ? html`<span class="chip" data-testid="scans-badge" data-state="pending">${t("scansBadgePending")}</span>`
    : s.scans?.state === "mismatch"
      ? html`<span class="chip bad" data-testid="scans-badge" data-state="mismatch">${t("scansBadgeMismatch")}</span>`
      : nothing;
