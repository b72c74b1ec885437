import { html, nothing } from "lit-html";
import type { JointDetail, JointLegDetail } from "../../apiTypes";
import { city, dept, legName, stageName, stateName, stepName, when } from "../format";
import { lang, t } from "../i18n";
import { type Actions, caseLink } from "./actions";

/** Marks a case that is a leg of a joint application: 联办·迁出地办理 / Joint·transfer-out authority. */
export const legBadge = (c: { itemCode: string; jointId?: string; legRole?: string }) =>
  c.jointId
    ? html`<span class="chip joint" data-testid="leg-badge" data-joint-id=${c.jointId} data-role=${c.legRole ?? ""}
        >${t("joint")}·${legName(c.itemCode, c.legRole ?? "")}</span
      >`
    : nothing;

/** The running statutory limit of a leg, overdue and due soon marked as in the deadline tables. */
const legDue = (l: JointLegDetail) => {
  const s = l.summary;
  if (!s?.dueAt || s.finished) return html`<td data-testid="leg-due">—</td>`;
  const cls = l.overdue ? "bad" : l.dueSoon ? "warn" : "";
  return html`<td data-testid="leg-due" class=${cls} data-stage=${s.dueStage} data-overdue=${l.overdue ? "1" : "0"}>
    ${stageName(s.dueStage)} ${when(s.dueAt)} ${l.overdue ? html`<br />${t("overdue")} +${l.overdue.workingDays}` : nothing}
    ${l.dueSoon ? html`<br />${t("dueSoon")}` : nothing}
    ${l.materialsLate ? html`<br /><span class="bad">${t("materialsLate")}</span>` : nothing}
  </td>`;
};

/** Each step of a leg, named as operators say it, in history order. */
const legSteps = (l: JointLegDetail) =>
  l.timeline && l.timeline.length > 0
    ? l.timeline.map(
        (x, i) =>
          html`${i > 0 ? html`<span class="muted"> → </span>` : nothing}<span
              class="chip"
              data-testid="leg-step"
              data-step=${x.step}
              title=${x.reports.map((r) => `${city(r.node)} ${when(r.recordedAt)}`).join("\n")}
              >${stepName(x.step)} <span class="muted">${when(x.occurredAt)}</span></span
            >`,
      )
    : html`<span class="muted">—</span>`;

/** A leg: one row with its case, home, state and clock, and its steps in a row of their own below it. */
const legBody = (j: JointDetail, l: JointLegDetail, current: string | undefined, a: Actions) => {
  const s = l.summary;
  const mine = s !== undefined && s.caseId === current;
  const waits = l.waitsFor.map((r) => legName(j.itemCode, r)).join(lang() === "zh" ? "、" : ", ");
  return html`<tbody
    data-testid="joint-leg"
    data-role=${l.role}
    data-case-id=${l.caseId ?? ""}
    data-state=${s?.state ?? l.pending ?? ""}
    data-home=${s?.homeNode ?? ""}
    class=${mine ? "current" : ""}
  >
    <tr>
      <td data-testid="leg-name">${legName(j.itemCode, l.role)}${mine ? html` <span class="chip">${t("thisLeg")}</span>` : nothing}</td>
      <td>${l.caseId ? caseLink(l.caseId, a) : "—"}</td>
      <td data-testid="leg-home">${s ? city(s.homeNode) : "—"}</td>
      <td>${s ? dept(s.homeNode, s.homeDepartment) : "—"}</td>
      <td data-testid="leg-state">
        ${s ? stateName(s.state) : html`<span class="muted">${t(l.pending ?? "WAITING")}${waits ? (lang() === "zh" ? `（${t("waitsFor")}：${waits}）` : ` (${t("waitsFor")}: ${waits})`) : ""}</span>`}
      </td>
      ${legDue(l)}
    </tr>
    <tr class="leg-steps">
      <td class="muted">${t("legSteps")}</td>
      <td colspan="5" class="wrap">${legSteps(l)}</td>
    </tr>
  </tbody>`;
};

/**
 * Every leg of a joint application with its home, state, statutory clock and steps; `current` marks
 * the case the operator opened (none when the application itself was opened, under its own title).
 */
export const jointPanel = (j: JointDetail, current: string | undefined, a: Actions) =>
  html`<div class="joint-panel" data-testid="joint-panel" data-joint-id=${j.jointId}>
    <h3>
      ${current ? html`${t("jointApplication")} · <span data-testid="joint-id">${j.jointId}</span> · ` : nothing}${t("receivedAt")}
      ${city(j.receivingNode)} · ${j.itemCode}
    </h3>
    <table>
      <thead>
        <tr>
          <th>${t("leg")}</th>
          <th>${t("caseId")}</th>
          <th>${t("homeCity")}</th>
          <th>${t("department")}</th>
          <th>${t("state")}</th>
          <th>${t("dueAt")}</th>
        </tr>
      </thead>
      ${j.legs.map((l) => legBody(j, l, current, a))}
    </table>
  </div>`;

/** A joint application opened by its own id (it is no case itself). */
export const jointView = (j: JointDetail, a: Actions) =>
  html`<div class="toolbar">
      <h2 style="margin:0">${t("jointApplication")} · <span data-testid="timeline-joint">${j.jointId}</span></h2>
      <button id="close-timeline" @click=${() => a.closeCase()}>${t("close")}</button>
    </div>
    ${jointPanel(j, undefined, a)}`;

/** Joint applications, most recently moved first: each leg's state at a glance. */
export const jointRows = (list: readonly JointDetail[], a: Actions) =>
  list.length === 0
    ? html`<tr>
        <td colspan="5" class="muted">${t("none")}</td>
      </tr>`
    : list.map(
        (j) =>
          html`<tr data-testid="joint-row" data-joint-id=${j.jointId}>
            <td><a class="case" @click=${() => a.openCase(j.jointId)}>${j.jointId}</a></td>
            <td>${city(j.receivingNode)}</td>
            <td>${j.itemCode}</td>
            <td class="wrap">
              ${j.legs.map(
                (l) =>
                  html`<span class="chip ${l.overdue ? "bad" : ""}" data-role=${l.role} data-state=${l.summary?.state ?? l.pending ?? ""}
                    >${legName(j.itemCode, l.role)}${l.summary ? ` · ${city(l.summary.homeNode)}` : ""} ·
                    ${l.summary ? stateName(l.summary.state) : t(l.pending ?? "WAITING")}</span
                  >`,
              )}
            </td>
            <td>${when(j.lastAt)}</td>
          </tr>`,
      );
