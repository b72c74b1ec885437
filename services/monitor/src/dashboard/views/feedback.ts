import { html } from "lit-html";
import { ratingLevels } from "@tongban/lifecycle";
import type { Overview } from "../../apiTypes";
import { city, dept, when } from "../format";
import { t } from "../i18n";
import { type Actions, caseLink } from "./actions";

type Feedback = Overview["feedback"];
type RatingRow = Feedback["ratings"]["byPair"][number];

const LEVELS = ratingLevels;

export const ratingsHead = (first: string) =>
  html`<tr>
    <th>${first}</th>
    ${LEVELS.map((l) => html`<th>${t(l)}</th>`)}
    <th>${t("total")}</th>
  </tr>`;

/** 好差评 counts by level, one row per city pair or department. */
export const ratingRows = (rows: readonly RatingRow[], name: (key: string) => string, testid: string) =>
  rows.length === 0
    ? html`<tr>
        <td colspan=${LEVELS.length + 2} class="muted">${t("none")}</td>
      </tr>`
    : rows.map(
        (r) =>
          html`<tr data-testid=${testid} data-key=${r.key}>
            <td>${name(r.key)}</td>
            ${LEVELS.map((l) => html`<td class=${r.counts[l] && l.includes("DISSATISFIED") ? "bad" : ""}>${r.counts[l] ?? 0}</td>`)}
            <td>${r.total}</td>
          </tr>`,
      );

export const pairName = (key: string) => {
  const [from = "", to = ""] = key.split(" → ");
  return `${city(from)} → ${city(to)}`;
};

export const departmentName = (key: string) => {
  const [node = "", code = ""] = key.split("/");
  return dept(node, code);
};

/** The problems (整改) poor ratings and 12345 complaints opened, open and overdue ones first. */
export const problemRows = (f: Feedback, a: Actions) =>
  f.problems.length === 0
    ? html`<tr>
        <td colspan="6" class="muted">${t("none")}</td>
      </tr>`
    : f.problems.map(
        (p) =>
          html`<tr data-testid="problem-row" data-case-id=${p.caseId} data-overdue=${String(p.overdue)}>
            <td>${caseLink(p.caseId, a)}</td>
            <td>${t(p.source)}</td>
            <td>${dept(p.homeNode, p.homeDepartment)}</td>
            <td>${when(p.openedAt)}</td>
            <td class=${p.overdue ? "bad" : ""}>${when(p.answerDueAt)}</td>
            <td>${p.answeredAt ? when(p.answeredAt) : "—"}</td>
          </tr>`,
      );
