/**
 * The operators' dashboard (运行监控), bundled for the browser at build time (deploy/build.ts):
 * data from the monitor's JSON API (api.ts, typed by ../apiTypes.ts), texts apart (i18n.ts),
 * rendering with lit-html templates (views/), charts with uPlot. Chinese first; the header button
 * switches to English. Live: server-sent events, with polling as a fallback.
 */
import { html, render } from "lit-html";
import type { CaseDetail, DeadLetterView, HealthRow, JointDetail, Labels, LagRow, Overview } from "../apiTypes";
import { api, connect, loadSession, post } from "./api";
import { setLabels, when } from "./format";
import { lang, setLang, t } from "./i18n";
import type { Actions } from "./views/actions";
import { renderCharts } from "./views/charts";
import { deadLetterRows, inspectView, replayAllButtons } from "./views/deadLetters";
import { departmentName, pairName, problemRows, ratingRows, ratingsHead } from "./views/feedback";
import { jointRows, jointView } from "./views/joint";
import { healthRows, lagRows } from "./views/ops";
import { alertsView, caseOptions, deadlineHead, deadlineRows, departmentRows, pairRows, recentRows } from "./views/overview";
import { timelineError, timelineView } from "./views/timeline";

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

const last: { overview: Overview | null; joints: JointDetail[]; deadLetters: DeadLetterView[]; lag: LagRow[]; health: HealthRow[] } = {
  overview: null,
  joints: [],
  deadLetters: [],
  lag: [],
  health: [],
};
let openCaseId: string | null = null;
let inspectId: string | null = null;

const actions: Actions = {
  openCase(id) {
    openCaseId = id.trim();
    history.replaceState(null, "", `#case=${encodeURIComponent(openCaseId)}`);
    void renderTimeline();
    window.scrollTo({ top: 0 });
  },
  closeCase() {
    openCaseId = null;
    history.replaceState(null, "", "#");
    void renderTimeline();
  },
  inspect(id) {
    inspectId = inspectId === id ? null : id;
    renderDeadLetters();
  },
  replay(id) {
    void replay(`/api/dead-letters/${encodeURIComponent(id)}/replay`);
  },
  replayAll(node) {
    void replay(`/api/dead-letters/replay-all?node=${encodeURIComponent(node)}`);
  },
};

async function replay(path: string): Promise<void> {
  try {
    const r = await post<{ replays: unknown[] }>(path);
    render(html`<span class="ok">${t("replayed")}: ${r.replays.length}</span>`, $("replay-message"));
  } catch (err) {
    render(html`<span class="error">${(err as Error).message}</span>`, $("replay-message"));
  }
  await refresh();
}

function applyLanguage(): void {
  document.documentElement.lang = lang() === "zh" ? "zh-CN" : "en";
  document.title = lang() === "zh" ? "通办交换运行监控 · Tongban Exchange monitor" : "Tongban Exchange monitor · 通办交换运行监控";
  for (const el of document.querySelectorAll<HTMLElement>("[data-i18n]")) el.textContent = t(el.dataset.i18n!);
  $("lang-toggle").textContent = lang() === "zh" ? "English" : "中文";
  $<HTMLInputElement>("case-search").placeholder = t("searchHint");
  render(deadlineHead("overdueDays"), $("deadline-head-1"));
  render(deadlineHead("daysLeft"), $("deadline-head-2"));
  render(deadlineHead("overdueDays"), $("deadline-head-3"));
  renderAll();
}

function renderOverview(): void {
  const o = last.overview;
  if (!o) return;
  $("as-of").textContent = `${t("asOf")} ${when(o.now)}`;
  $("case-count").textContent = `${o.cases} ${t("cases")}`;
  $("alerts").hidden = o.calendarAlerts.length === 0;
  render(alertsView(o), $("alerts"));
  render(pairRows(o), $("pairs-body"));
  renderCharts(o.series);
  render(deadlineRows(o.deadlines.overdue, "bad", "overdue-row", actions), $("overdue-body"));
  render(deadlineRows(o.deadlines.dueSoon, "warn", "due-soon-row", actions), $("due-soon-body"));
  render(deadlineRows(o.deadlines.materialsLate, "bad", "materials-row", actions), $("materials-body"));
  render(departmentRows(o), $("dept-body"));
  const f = o.feedback;
  render(ratingsHead(t("pair")), $("ratings-head-1"));
  render(ratingRows(f.ratings.byPair, pairName, "rating-pair-row"), $("ratings-pair-body"));
  render(ratingsHead(t("department")), $("ratings-head-2"));
  render(ratingRows(f.ratings.byDepartment, departmentName, "rating-dept-row"), $("ratings-dept-body"));
  $("problem-count").textContent = `${t("openOverdue")} ${f.openProblems} / ${f.overdueProblems}`;
  render(problemRows(f, actions), $("problems-body"));
  render(recentRows(o, actions), $("cases-body"));
  render(jointRows(last.joints, actions), $("joints-body"));
  render(caseOptions(o), $("case-ids"));
}

function renderDeadLetters(): void {
  render(deadLetterRows(last.deadLetters, actions), $("dl-body"));
  render(replayAllButtons(actions), $("replay-all-buttons"));
  const d = inspectId ? last.deadLetters.find((x) => x._id === inspectId) : undefined;
  $("inspect-panel").hidden = !d;
  if (d) render(inspectView(d), $("inspect-panel"));
}

function renderOps(): void {
  render(lagRows(last.lag), $("lag-body"));
  render(healthRows(last.health), $("health-body"));
}

async function renderTimeline(): Promise<void> {
  const panel = $("timeline-panel");
  panel.hidden = !openCaseId;
  if (!openCaseId) return;
  const id = openCaseId;
  try {
    render(timelineView(await api<CaseDetail>(`/api/cases/${encodeURIComponent(id)}`), actions), panel);
  } catch (err) {
    // A joint application's id names no case: the application with its legs, if it is one.
    try {
      render(jointView(await api<JointDetail>(`/api/joints/${encodeURIComponent(id)}`), actions), panel);
    } catch {
      render(timelineError(id, (err as Error).message, actions), panel);
    }
  }
}

function renderAll(): void {
  renderOverview();
  renderDeadLetters();
  renderOps();
  void renderTimeline();
}

async function refresh(): Promise<void> {
  try {
    const [overview, joints, dl] = await Promise.all([
      api<Overview>(`/api/overview?windowMinutes=${$<HTMLSelectElement>("window").value}`),
      api<{ joints: JointDetail[] }>("/api/joints"),
      api<{ deadLetters: DeadLetterView[] }>("/api/dead-letters"),
    ]);
    last.overview = overview;
    last.joints = joints.joints;
    last.deadLetters = dl.deadLetters;
    renderOverview();
    renderDeadLetters();
    if (openCaseId) await renderTimeline();
  } catch (err) {
    console.warn("refresh failed", err);
  }
}

async function refreshOps(): Promise<void> {
  try {
    const [lag, health] = await Promise.all([api<{ lag: LagRow[] }>("/api/lag"), api<{ health: HealthRow[] }>("/api/health")]);
    last.lag = lag.lag;
    last.health = health.health;
    renderOps();
  } catch (err) {
    console.warn("ops refresh failed", err);
  }
}

let scheduled: ReturnType<typeof setTimeout> | null = null;
function soon(): void {
  if (scheduled) return;
  scheduled = setTimeout(() => {
    scheduled = null;
    void refresh();
  }, 150);
}

$("logout").addEventListener("click", async () => {
  try {
    await post("/logout");
  } finally {
    location.replace("/login");
  }
});
$("search-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const q = $<HTMLInputElement>("case-search").value.trim();
  if (q) actions.openCase(q);
});
$("window").addEventListener("change", () => void refresh());
$("lang-toggle").addEventListener("click", () => {
  setLang(lang() === "zh" ? "en" : "zh");
  applyLanguage();
});

function showLive(live: boolean): void {
  const el = $("live");
  el.classList.toggle("on", live);
  el.dataset.i18n = live ? "live" : "offline";
  el.textContent = t(el.dataset.i18n);
}

const hash = /^#case=(.+)$/.exec(location.hash);
if (hash) openCaseId = decodeURIComponent(hash[1]!);
const session = await loadSession();
if (session.operator) {
  $("operator").textContent = `${session.operator.name} (${session.operator.city})`;
  $("operator").hidden = false;
  $("logout").hidden = false;
}
setLabels(await api<Labels>("/api/labels"));
applyLanguage();
await Promise.all([refresh(), refreshOps()]);
connect(soon, showLive);
// Time moves even when no event does: deadlines and latency windows are re-read regularly.
setInterval(() => void refresh(), 5_000);
setInterval(() => void refreshOps(), 5_000);
