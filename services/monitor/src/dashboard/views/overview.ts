import { html, nothing } from "lit-html";
import type { Overview } from "../../apiTypes";
import { city, dept, duration, stageName, stateName, stepName, when } from "../format";
import { lang, t } from "../i18n";
import { type Actions, caseLink } from "./actions";
import { legBadge } from "./joint";
import { scansBadge } from "./scans";

type DeadlineEntry = Overview["deadlines"]["overdue"][number];

/** One banner per year the working-day calendar lacks. */
export const alertsView = (o: Overview) =>
  o.calendarAlerts.map(
    (a) =>
      html`<div class="alert" data-testid="calendar-alert" data-year=${a.year}>
        ${a[lang()]}${a.cases > 0 ? ` (${a.cases} ${t("cases")})` : ""}
      </div>`,
  );

/** Per directed city pair: in flight by state, finished, delivery latency, stage durations. */
export const pairRows = (o: Overview) =>
  o.pairs.map((p) => {
    const l = p.latencyMs;
    return html`<tr data-testid="pair-${p.from}-${p.to}">
      <td>${city(p.from)} → ${city(p.to)}</td>
      <td class="wrap" data-testid="in-flight" data-total=${p.inFlightTotal}>
        <b>${p.inFlightTotal}</b>
        ${Object.entries(p.inFlight).map(([s, n]) => html`<span class="chip" data-state=${s}>${stateName(s)} ${n}</span>`)}
      </td>
      <td>${p.finished}</td>
      <td data-testid="latency" data-count=${l.count}>${duration(l.p50)} / ${duration(l.p95)} / ${duration(l.p99)} (${l.count})</td>
      <td class="wrap">
        ${
          p.stages.length === 0
            ? html`<span class="muted">${t("none")}</span>`
            : p.stages.map(
                (s) => html`<span class="chip">${stateName(s.state)} ${duration(s.durationMs.p50)} / ${duration(s.durationMs.p95)}</span>`,
              )
        }
      </td>
    </tr>`;
  });

const none = (cols: number) =>
  html`<tr>
    <td colspan=${cols} class="muted">${t("none")}</td>
  </tr>`;

/** Overdue, due-soon or late-materials cases; `cls` marks their working-day count. */
export const deadlineRows = (list: readonly DeadlineEntry[], cls: string, testid: string, a: Actions) =>
  list.length === 0
    ? none(7)
    : list.map(
        (e) =>
          html`<tr data-testid=${testid} data-case-id=${e.caseId}>
            <td>${caseLink(e.caseId, a)} ${legBadge(e)}</td>
            <td>${city(e.receivingNode)} → ${city(e.homeNode)}</td>
            <td>${dept(e.homeNode, e.homeDepartment)}</td>
            <td>${stateName(e.state)}</td>
            <td>${stageName(e.stage)}</td>
            <td>${when(e.dueAt)}</td>
            <td class=${cls}>${e.workingDays}</td>
          </tr>`,
      );

export const deadlineHead = (daysKey: "overdueDays" | "daysLeft") =>
  html`<tr>
    <th>${t("caseId")}</th>
    <th>${t("pair")}</th>
    <th>${t("department")}</th>
    <th>${t("state")}</th>
    <th>${t("stage")}</th>
    <th>${t("dueAt")}</th>
    <th>${t(daysKey)}</th>
  </tr>`;

export const departmentRows = (o: Overview) =>
  o.deadlines.byDepartment.length === 0
    ? none(5)
    : o.deadlines.byDepartment.map(
        (c) =>
          html`<tr>
            <td>${city(c.homeNode)}</td>
            <td>${dept(c.homeNode, c.homeDepartment)}</td>
            <td class=${c.overdue ? "bad" : ""}>${c.overdue}</td>
            <td class=${c.dueSoon ? "warn" : ""}>${c.dueSoon}</td>
            <td class=${c.materialsLate ? "bad" : ""}>${c.materialsLate}</td>
          </tr>`,
      );

/** The most recently moved cases. */
export const recentRows = (o: Overview, a: Actions) =>
  o.recent.map(
    (c) =>
      html`<tr data-testid="case-row" data-case-id=${c.caseId} data-state=${c.state}>
        <td>${caseLink(c.caseId, a)} ${legBadge(c)} ${scansBadge(c)}</td>
        <td>${city(c.receivingNode)} → ${city(c.homeNode)}</td>
        <td>${dept(c.homeNode, c.homeDepartment)}</td>
        <td>${stateName(c.state)}</td>
        <td>${stepName(c.lastStep)} · ${when(c.lastAt)}</td>
        <td>${c.dueAt && !c.finished ? `${stageName(c.dueStage)} ${when(c.dueAt)}` : "—"}</td>
      </tr>`,
  );

export const caseOptions = (o: Overview) => o.recent.map((c) => html`<option value=${c.caseId}></option>`);

export const maybe = <T>(v: T | undefined | null, f: (x: T) => unknown) => (v === undefined || v === null ? nothing : f(v));
