import { html, nothing } from "lit-html";
import type { CaseDetail } from "../../apiTypes";
import { city, dept, stageName, stateName, stepName, when } from "../format";
import { t } from "../i18n";
import type { Actions } from "./actions";
import { jointPanel, legBadge } from "./joint";
import { scansLine } from "./scans";

/**
 * A case's cross-city timeline: each step, named as operators say it, with the nodes that recorded
 * it; for a leg of a joint application, the application's legs after it.
 */
export const timelineView = (c: CaseDetail, a: Actions) => {
  const s = c.summary;
  return html`<div class="toolbar">
      <h2 style="margin:0">${t("timeline")} · <span data-testid="timeline-case">${s.caseId}</span></h2>
      <button id="close-timeline" @click=${() => a.closeCase()}>${t("close")}</button>
    </div>
    <div>
      ${city(s.receivingNode)} → ${city(s.homeNode)} · ${dept(s.homeNode, s.homeDepartment)} · ${s.itemCode} ·
      <b data-testid="timeline-state">${stateName(s.state)}</b> ${legBadge(s)}
      ${
        c.overdue
          ? html`<span class="bad" data-testid="timeline-overdue"
              >${t("overdue")}: ${stageName(c.overdue.stage)} +${c.overdue.workingDays}</span
            >`
          : nothing
      }
      ${c.dueSoon ? html`<span class="warn">${t("dueSoon")}: ${stageName(c.dueSoon.stage)}</span>` : nothing}
      ${c.materialsLate ? html`<span class="bad">${t("materialsLate")}</span>` : nothing}
    </div>
    ${scansLine(s)}
    <table>
      <thead>
        <tr>
          <th>${t("seq")}</th>
          <th>${t("step")}</th>
          <th>${t("state")}</th>
          <th>${t("occurredAt")}</th>
          <th>${t("reportedBy")}</th>
          <th>${t("dueAt")}</th>
        </tr>
      </thead>
      <tbody>
        ${c.timeline.map(
          (x) =>
            html`<tr data-testid="timeline-step" data-step=${x.step}>
              <td>${x.seq}</td>
              <td>${stepName(x.step)}</td>
              <td>${stateName(x.state)}</td>
              <td>${when(x.occurredAt)}</td>
              <td>${x.reports.map((r, i) => html`${i > 0 ? html`<br />` : nothing}${city(r.node)} ${when(r.recordedAt)}`)}</td>
              <td>${x.dueAt ? `${stageName(x.dueStage)} ${when(x.dueAt)}` : "—"}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    ${c.joint ? jointPanel(c.joint, s.caseId, a) : nothing}`;
};

export const timelineError = (id: string, message: string, a: Actions) =>
  html`<div class="toolbar">
    <span class="error">${t("notFound")}: ${id} (${message})</span>
    <button id="close-timeline" @click=${() => a.closeCase()}>${t("close")}</button>
  </div>`;
