// The operators' dashboard: plain browser JavaScript against the monitor's JSON API, no build step.
// Chinese first; the header button switches to English. Live: server-sent events, with polling as a fallback.
"use strict";

const TEXT = {
  zh: {
    title: "通办交换运行监控",
    search: "查询办件",
    searchHint: "输入办件编号",
    live: "实时",
    offline: "未连接",
    asOf: "截至",
    pairs: "城市间办件",
    window: "统计时段",
    pair: "收件地 → 主管地",
    inFlight: "在途（按环节）",
    finished: "已办结",
    latency: "送达时延 P50 / P95 / P99（件数）",
    stages: "各环节用时 P50 / P95",
    deadlines: "超期与临期（法定工作日时限）",
    feedback: "好差评与整改",
    ratingsByPair: "评价（按收件地 → 主管地）",
    ratingsByDepartment: "评价（按主管部门）",
    problems: "整改事项",
    problemSource: "来源",
    openedAt: "提出时间",
    answerDueAt: "答复期限",
    answeredAt: "答复时间",
    openOverdue: "未答复 / 已超期",
    rating: "差评",
    complaint_12345: "12345 投诉",
    total: "合计",
    VERY_SATISFIED: "非常满意",
    SATISFIED: "满意",
    BASICALLY_SATISFIED: "基本满意",
    DISSATISFIED: "不满意",
    VERY_DISSATISFIED: "非常不满意",
    overdue: "已超期",
    dueSoon: "即将到期",
    materialsLate: "纸质材料未签收",
    byDepartment: "按城市与部门",
    homeCity: "主管地",
    department: "部门",
    recent: "最近流转的办件",
    caseId: "办件编号",
    state: "状态",
    lastStep: "最近环节",
    dueAt: "期限",
    stage: "环节",
    overdueDays: "超期工作日",
    daysLeft: "剩余工作日",
    deadLetters: "死信（处理失败的消息）",
    node: "节点",
    code: "代码",
    reason: "原因",
    eventType: "事件",
    deadLetteredAt: "时间",
    replayStatus: "重放结果",
    inspect: "查看",
    replay: "重放",
    replayAll: "全部重放",
    lag: "消费积压",
    group: "消费组",
    topic: "主题",
    lagCount: "积压",
    health: "服务健康",
    service: "服务",
    address: "地址",
    status: "状态",
    cases: "件",
    none: "无",
    timeline: "办件全程时间线",
    close: "关闭",
    reportedBy: "记录节点",
    occurredAt: "发生时间",
    step: "环节",
    seq: "序号",
    notFound: "未找到该办件",
    dead: "待处理",
    replaying: "重放中",
    delivered: "已送达",
    failed: "再次失败",
    replayed: "已重放",
    headers: "消息头",
    envelope: "事件信封（不含业务内容）",
    source: "来源",
    replays: "重放记录",
    logout: "退出登录",
    stageNames: { correction: "补正告知", decision: "审批决定", delivery: "送达", materials: "材料签收" },
    api: { intake: "收件", queue: "办件队列", certs: "证照核验" },
  },
  en: {
    title: "Tongban Exchange monitor",
    search: "Find case",
    searchHint: "case id",
    live: "live",
    offline: "offline",
    asOf: "as of",
    pairs: "Cases between cities",
    window: "Window",
    pair: "Receiving → home city",
    inFlight: "In flight (by stage)",
    finished: "Finished",
    latency: "Delivery latency p50 / p95 / p99 (cases)",
    stages: "Stage durations p50 / p95",
    deadlines: "Overdue and due soon (statutory working-day limits)",
    feedback: "Ratings and problems",
    ratingsByPair: "Ratings by receiving → home city",
    ratingsByDepartment: "Ratings by home department",
    problems: "Problems to answer",
    problemSource: "Source",
    openedAt: "Opened",
    answerDueAt: "Answer due",
    answeredAt: "Answered",
    openOverdue: "open / overdue",
    rating: "Poor rating",
    complaint_12345: "12345 complaint",
    total: "Total",
    VERY_SATISFIED: "Very satisfied",
    SATISFIED: "Satisfied",
    BASICALLY_SATISFIED: "Basically satisfied",
    DISSATISFIED: "Dissatisfied",
    VERY_DISSATISFIED: "Very dissatisfied",
    overdue: "Overdue",
    dueSoon: "Due soon",
    materialsLate: "Paper materials not signed for",
    byDepartment: "By city and department",
    homeCity: "Home city",
    department: "Department",
    recent: "Recently moved cases",
    caseId: "Case id",
    state: "State",
    lastStep: "Last step",
    dueAt: "Due",
    stage: "Stage",
    overdueDays: "Working days over",
    daysLeft: "Working days left",
    deadLetters: "Dead letters (failed messages)",
    node: "Node",
    code: "Code",
    reason: "Reason",
    eventType: "Event",
    deadLetteredAt: "When",
    replayStatus: "Replay result",
    inspect: "Inspect",
    replay: "Replay",
    replayAll: "Replay all",
    lag: "Consumer lag",
    group: "Group",
    topic: "Topic",
    lagCount: "Lag",
    health: "Service health",
    service: "Service",
    address: "Address",
    status: "Status",
    cases: "cases",
    none: "none",
    timeline: "Cross-city timeline",
    close: "Close",
    reportedBy: "Recorded by",
    occurredAt: "Occurred",
    step: "Step",
    seq: "#",
    notFound: "No such case",
    dead: "not replayed",
    replaying: "replaying",
    delivered: "delivered",
    failed: "failed again",
    replayed: "replayed",
    headers: "Headers",
    envelope: "Envelope (no business content)",
    source: "Source",
    replays: "Replays",
    logout: "Log out",
    stageNames: { correction: "correction notice", decision: "decision", delivery: "delivery", materials: "materials signed for" },
    api: { intake: "intake", queue: "queue", certs: "certificates" },
  },
};

let lang = localStorage.getItem("tongban-monitor-lang") === "en" ? "en" : "zh";
let labels = { nodes: [], departments: [], states: {}, steps: {} };
let last = { overview: null, deadLetters: [], lag: [], health: [] };
let openCaseId = null;
let inspectId = null;

const $ = (id) => document.getElementById(id);
const t = (key) => TEXT[lang][key] ?? key;
const esc = (v) => String(v ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
const city = (id) => {
  const n = labels.nodes.find((x) => x.id === id);
  return n ? n[lang] : id;
};
const dept = (node, code) => {
  const d = labels.departments.find((x) => x.node === node && x.code === code);
  return d ? d[lang] : code;
};
const stateName = (s) => labels.states[s]?.[lang] ?? s;
/** A step (case.submitted …) by its name (已收件 …); unknown steps as they came. */
const stepName = (s) => labels.steps[s]?.[lang] ?? s;
const stageName = (s) => TEXT[lang].stageNames[s] ?? s;
const when = (iso) =>
  iso ? new Date(iso).toLocaleString(lang === "zh" ? "zh-CN" : "en-GB", { timeZone: "Asia/Shanghai", hour12: false }) : "—";
function duration(ms) {
  if (ms === null || ms === undefined) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${(ms / 60_000).toFixed(1)} min`;
  if (ms < 86_400_000) return `${(ms / 3_600_000).toFixed(1)} h`;
  return `${(ms / 86_400_000).toFixed(1)} d`;
}
const caseLink = (id) => `<a class="case" data-case-id="${esc(id)}">${esc(id)}</a>`;

let session = { loginRequired: false };
let csrfToken = null;

async function api(path, init) {
  const res = await fetch(path, init);
  // A monitor that requires login answers 401 once the session has expired: back to the login page.
  if (res.status === 401 && session.loginRequired) location.replace("/login");
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.error ?? `${res.status}`);
  return body;
}

/**
 * A state-changing request: the browser sends its Origin, the page adds the CSRF token of its
 * session (fetched once, and again when the monitor no longer accepts it, e.g. after a restart).
 */
async function post(path) {
  for (let attempt = 0; ; attempt++) {
    csrfToken ??= (await api("/api/csrf")).token;
    try {
      return await api(path, { method: "POST", headers: { "x-csrf-token": csrfToken } });
    } catch (err) {
      if (attempt > 0 || !/CSRF/.test(err.message)) throw err;
      csrfToken = null;
    }
  }
}

function applyLanguage() {
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  document.title = lang === "zh" ? "通办交换运行监控 · Tongban Exchange monitor" : "Tongban Exchange monitor · 通办交换运行监控";
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  $("lang-toggle").textContent = lang === "zh" ? "English" : "中文";
  $("case-search").placeholder = t("searchHint");
  const head = `<tr><th>${t("caseId")}</th><th>${t("pair")}</th><th>${t("department")}</th><th>${t("state")}</th><th>${t("stage")}</th><th>${t("dueAt")}</th><th>%DAYS%</th></tr>`;
  $("deadline-head-1").innerHTML = head.replace("%DAYS%", t("overdueDays"));
  $("deadline-head-2").innerHTML = head.replace("%DAYS%", t("daysLeft"));
  $("deadline-head-3").innerHTML = head.replace("%DAYS%", t("overdueDays"));
  render();
}

function renderOverview() {
  const o = last.overview;
  if (!o) return;
  $("as-of").textContent = `${t("asOf")} ${when(o.now)}`;
  $("case-count").textContent = `${o.cases} ${t("cases")}`;
  const alerts = o.calendarAlerts ?? [];
  $("alerts").hidden = alerts.length === 0;
  $("alerts").innerHTML = alerts
    .map(
      (a) =>
        `<div class="alert" data-testid="calendar-alert" data-year="${a.year}">${esc(a[lang])}${a.cases > 0 ? ` (${a.cases} ${esc(t("cases"))})` : ""}</div>`,
    )
    .join("");
  $("pairs-body").innerHTML = o.pairs
    .map((p) => {
      const chips = Object.entries(p.inFlight)
        .map(([s, n]) => `<span class="chip" data-state="${esc(s)}">${esc(stateName(s))} ${n}</span>`)
        .join("");
      const l = p.latencyMs;
      const stages = p.stages
        .map((s) => `<span class="chip">${esc(stateName(s.state))} ${duration(s.durationMs.p50)} / ${duration(s.durationMs.p95)}</span>`)
        .join("");
      return `<tr data-testid="pair-${esc(p.from)}-${esc(p.to)}">
        <td>${esc(city(p.from))} → ${esc(city(p.to))}</td>
        <td class="wrap" data-testid="in-flight" data-total="${p.inFlightTotal}"><b>${p.inFlightTotal}</b> ${chips}</td>
        <td>${p.finished}</td>
        <td data-testid="latency" data-count="${l.count}">${duration(l.p50)} / ${duration(l.p95)} / ${duration(l.p99)} (${l.count})</td>
        <td class="wrap">${stages || `<span class="muted">${t("none")}</span>`}</td></tr>`;
    })
    .join("");

  const rows = (list, cls, testid) =>
    list.length === 0
      ? `<tr><td colspan="7" class="muted">${t("none")}</td></tr>`
      : list
          .map(
            (e) => `<tr data-testid="${testid}" data-case-id="${esc(e.caseId)}">
        <td>${caseLink(e.caseId)}</td><td>${esc(city(e.receivingNode))} → ${esc(city(e.homeNode))}</td>
        <td>${esc(dept(e.homeNode, e.homeDepartment))}</td><td>${esc(stateName(e.state))}</td>
        <td>${esc(stageName(e.stage))}</td><td>${when(e.dueAt)}</td><td class="${cls}">${e.workingDays}</td></tr>`,
          )
          .join("");
  const d = o.deadlines;
  $("overdue-body").innerHTML = rows(d.overdue, "bad", "overdue-row");
  $("due-soon-body").innerHTML = rows(d.dueSoon, "warn", "due-soon-row");
  $("materials-body").innerHTML = rows(d.materialsLate, "bad", "materials-row");
  $("dept-body").innerHTML =
    d.byDepartment.length === 0
      ? `<tr><td colspan="5" class="muted">${t("none")}</td></tr>`
      : d.byDepartment
          .map(
            (c) => `<tr><td>${esc(city(c.homeNode))}</td><td>${esc(dept(c.homeNode, c.homeDepartment))}</td>
        <td class="${c.overdue ? "bad" : ""}">${c.overdue}</td><td class="${c.dueSoon ? "warn" : ""}">${c.dueSoon}</td>
        <td class="${c.materialsLate ? "bad" : ""}">${c.materialsLate}</td></tr>`,
          )
          .join("");

  renderFeedback(o.feedback);

  $("cases-body").innerHTML = o.recent
    .map(
      (c) => `<tr data-testid="case-row" data-case-id="${esc(c.caseId)}" data-state="${esc(c.state)}">
      <td>${caseLink(c.caseId)}</td><td>${esc(city(c.receivingNode))} → ${esc(city(c.homeNode))}</td>
      <td>${esc(dept(c.homeNode, c.homeDepartment))}</td><td>${esc(stateName(c.state))}</td>
      <td>${esc(stepName(c.lastStep))} · ${when(c.lastAt)}</td>
      <td>${c.dueAt && !c.finished ? `${esc(stageName(c.dueStage))} ${when(c.dueAt)}` : "—"}</td></tr>`,
    )
    .join("");
  $("case-ids").innerHTML = o.recent.map((c) => `<option value="${esc(c.caseId)}"></option>`).join("");
}

const LEVELS = ["VERY_SATISFIED", "SATISFIED", "BASICALLY_SATISFIED", "DISSATISFIED", "VERY_DISSATISFIED"];

/** 好差评 counts by level and the problems (整改) poor ratings and 12345 complaints opened. */
function renderFeedback(f) {
  if (!f) return;
  const head = (first) =>
    `<tr><th>${esc(first)}</th>${LEVELS.map((l) => `<th>${esc(t(l))}</th>`).join("")}<th>${esc(t("total"))}</th></tr>`;
  const body = (rows, name, testid) =>
    rows.length === 0
      ? `<tr><td colspan="${LEVELS.length + 2}" class="muted">${t("none")}</td></tr>`
      : rows
          .map(
            (r) => `<tr data-testid="${testid}" data-key="${esc(r.key)}">
        <td>${esc(name(r.key))}</td>${LEVELS.map((l) => `<td class="${r.counts[l] && l.includes("DISSATISFIED") ? "bad" : ""}">${r.counts[l] ?? 0}</td>`).join("")}<td>${r.total}</td></tr>`,
          )
          .join("");
  const pairName = (key) => {
    const [from, to] = key.split(" → ");
    return `${city(from)} → ${city(to)}`;
  };
  const deptName = (key) => {
    const [node, code] = key.split("/");
    return dept(node, code);
  };
  $("ratings-head-1").innerHTML = head(t("pair"));
  $("ratings-pair-body").innerHTML = body(f.ratings.byPair, pairName, "rating-pair-row");
  $("ratings-head-2").innerHTML = head(t("department"));
  $("ratings-dept-body").innerHTML = body(f.ratings.byDepartment, deptName, "rating-dept-row");
  $("problem-count").textContent = `${t("openOverdue")} ${f.openProblems} / ${f.overdueProblems}`;
  $("problems-body").innerHTML =
    f.problems.length === 0
      ? `<tr><td colspan="6" class="muted">${t("none")}</td></tr>`
      : f.problems
          .map(
            (p) => `<tr data-testid="problem-row" data-case-id="${esc(p.caseId)}" data-overdue="${p.overdue}">
        <td>${caseLink(p.caseId)}</td><td>${esc(t(p.source))}</td><td>${esc(dept(p.homeNode, p.homeDepartment))}</td>
        <td>${when(p.openedAt)}</td><td class="${p.overdue ? "bad" : ""}">${when(p.answerDueAt)}</td><td>${p.answeredAt ? when(p.answeredAt) : "—"}</td></tr>`,
          )
          .join("");
}

function renderDeadLetters() {
  const status = (s) => ({ dead: "warn", replaying: "muted", delivered: "ok", failed: "bad" })[s] ?? "";
  $("dl-body").innerHTML =
    last.deadLetters.length === 0
      ? `<tr><td colspan="8" class="muted">${t("none")}</td></tr>`
      : last.deadLetters
          .map((d) => {
            const r = d.replays[d.replays.length - 1];
            const detail = r?.outcome ? ` · ${esc(r.outcome.detail)}` : "";
            return `<tr data-testid="dead-letter" data-id="${esc(d._id)}" data-node="${esc(d.node)}" data-case-id="${esc(d.event?.caseId ?? "")}">
          <td>${esc(city(d.node))}</td><td>${esc(d.code)}</td><td class="wrap">${esc(d.reason)}</td>
          <td>${esc(d.event?.type ?? d.headers.find((h) => h.name === "event-type")?.value ?? "—")}</td>
          <td>${d.event?.caseId ? caseLink(d.event.caseId) : "—"}</td><td>${when(d.deadLetteredAt ?? d.receivedAt)}</td>
          <td class="${status(d.status)} wrap" data-testid="dl-status" data-status="${esc(d.status)}">${t(d.status)}${detail}</td>
          <td><button data-testid="inspect" data-inspect="${esc(d._id)}">${t("inspect")}</button>
              <button data-testid="replay" data-replay="${esc(d._id)}">${t("replay")}</button></td></tr>`;
          })
          .join("");
  $("replay-all-buttons").innerHTML = labels.nodes
    .map((n) => `<button data-testid="replay-all-${esc(n.id)}" data-replay-all="${esc(n.id)}">${t("replayAll")} · ${esc(n[lang])}</button>`)
    .join(" ");
  const d = inspectId && last.deadLetters.find((x) => x._id === inspectId);
  const panel = $("inspect-panel");
  panel.hidden = !d;
  if (d) {
    panel.innerHTML = `<h3>${esc(d._id)}</h3>
      <div>${t("source")}: ${esc(d.sourceTopic)} / ${esc(d.sourcePartition)} @ ${esc(d.sourceOffset)} · ${esc(d.group)} · ${d.size} B</div>
      <h3>${t("envelope")}</h3><pre>${esc(JSON.stringify(d.event ?? null, null, 2))}</pre>
      <h3>${t("headers")}</h3><pre>${esc(d.headers.map((h) => `${h.name}: ${h.value}`).join("\n"))}</pre>
      <h3>${t("replays")}</h3><pre data-testid="inspect-replays">${esc(
        d.replays
          .map((r) => `${when(r.replayedAt)} ${r._id} → ${r.outcome ? `${t(r.outcome.outcome)} (${r.outcome.detail})` : t("replaying")}`)
          .join("\n") || t("none"),
      )}</pre>`;
  }
}

function renderOps() {
  $("lag-body").innerHTML = last.lag
    .map(
      (l) => `<tr data-testid="lag-row"><td>${esc(l.node === "monitor" ? "monitor" : city(l.node))}</td><td>${esc(l.group)}</td>
      <td>${esc(l.topic)}</td><td class="${l.lag === null ? "bad" : l.lag > 0 ? "warn" : "ok"}">${l.lag ?? esc(l.error)}</td></tr>`,
    )
    .join("");
  $("health-body").innerHTML = last.health
    .map(
      (h) => `<tr data-testid="health-row" data-node="${esc(h.node)}" data-api="${esc(h.api)}" data-state="${esc(h.state)}">
      <td>${esc(city(h.node))}</td><td>${esc(TEXT[lang].api[h.api] ?? h.api)} <span class="muted">${esc(h.service)}</span></td>
      <td>${esc(h.address)}</td><td class="${h.state === "SERVING" ? "ok" : "bad"}">${esc(h.state)}</td></tr>`,
    )
    .join("");
}

async function renderTimeline() {
  const panel = $("timeline-panel");
  if (!openCaseId) {
    panel.hidden = true;
    return;
  }
  panel.hidden = false;
  try {
    const c = await api(`/api/cases/${encodeURIComponent(openCaseId)}`);
    const s = c.summary;
    const flags = [
      c.overdue
        ? `<span class="bad" data-testid="timeline-overdue">${t("overdue")}: ${esc(stageName(c.overdue.stage))} +${c.overdue.workingDays}</span>`
        : "",
      c.dueSoon ? `<span class="warn">${t("dueSoon")}: ${esc(stageName(c.dueSoon.stage))}</span>` : "",
      c.materialsLate ? `<span class="bad">${t("materialsLate")}</span>` : "",
    ].join(" ");
    panel.innerHTML = `<div class="toolbar"><h2 style="margin:0">${t("timeline")} · <span data-testid="timeline-case">${esc(s.caseId)}</span></h2>
      <button id="close-timeline">${t("close")}</button></div>
      <div>${esc(city(s.receivingNode))} → ${esc(city(s.homeNode))} · ${esc(dept(s.homeNode, s.homeDepartment))} · ${esc(s.itemCode)} ·
        <b data-testid="timeline-state">${esc(stateName(s.state))}</b> ${flags}</div>
      <table><thead><tr><th>${t("seq")}</th><th>${t("step")}</th><th>${t("state")}</th><th>${t("occurredAt")}</th>
        <th>${t("reportedBy")}</th><th>${t("dueAt")}</th></tr></thead><tbody>
      ${c.timeline
        .map(
          (x) => `<tr data-testid="timeline-step" data-step="${esc(x.step)}"><td>${x.seq}</td><td>${esc(stepName(x.step))}</td>
          <td>${esc(stateName(x.state))}</td><td>${when(x.occurredAt)}</td>
          <td>${x.reports.map((r) => `${esc(city(r.node))} ${when(r.recordedAt)}`).join("<br>")}</td>
          <td>${x.dueAt ? `${esc(stageName(x.dueStage))} ${when(x.dueAt)}` : "—"}</td></tr>`,
        )
        .join("")}</tbody></table>`;
  } catch (err) {
    panel.innerHTML = `<div class="toolbar"><span class="error">${t("notFound")}: ${esc(openCaseId)} (${esc(err.message)})</span>
      <button id="close-timeline">${t("close")}</button></div>`;
  }
}

function render() {
  renderOverview();
  renderDeadLetters();
  renderOps();
  void renderTimeline();
}

async function refresh() {
  try {
    const [overview, dl] = await Promise.all([api(`/api/overview?windowMinutes=${$("window").value}`), api("/api/dead-letters")]);
    last.overview = overview;
    last.deadLetters = dl.deadLetters;
    renderOverview();
    renderDeadLetters();
    if (openCaseId) await renderTimeline();
  } catch (err) {
    console.warn("refresh failed", err);
  }
}

async function refreshOps() {
  try {
    const [lag, health] = await Promise.all([api("/api/lag"), api("/api/health")]);
    last.lag = lag.lag;
    last.health = health.health;
    renderOps();
  } catch (err) {
    console.warn("ops refresh failed", err);
  }
}

let scheduled = null;
function soon() {
  if (scheduled) return;
  scheduled = setTimeout(() => {
    scheduled = null;
    void refresh();
  }, 150);
}

function openCase(id) {
  openCaseId = id.trim();
  history.replaceState(null, "", `#case=${encodeURIComponent(openCaseId)}`);
  void renderTimeline();
  window.scrollTo({ top: 0 });
}

document.addEventListener("click", async (ev) => {
  const el = ev.target.closest("[data-case-id].case, [data-inspect], [data-replay], [data-replay-all], #close-timeline");
  if (!el) return;
  if (el.id === "close-timeline") {
    openCaseId = null;
    history.replaceState(null, "", "#");
    void renderTimeline();
  } else if (el.dataset.inspect) {
    inspectId = inspectId === el.dataset.inspect ? null : el.dataset.inspect;
    renderDeadLetters();
  } else if (el.dataset.replay || el.dataset.replayAll) {
    el.disabled = true;
    const path = el.dataset.replay
      ? `/api/dead-letters/${encodeURIComponent(el.dataset.replay)}/replay`
      : `/api/dead-letters/replay-all?node=${encodeURIComponent(el.dataset.replayAll)}`;
    try {
      const r = await post(path);
      $("replay-message").innerHTML = `<span class="ok">${t("replayed")}: ${r.replays.length}</span>`;
    } catch (err) {
      $("replay-message").innerHTML = `<span class="error">${esc(err.message)}</span>`;
    }
    await refresh();
  } else if (el.dataset.caseId) {
    openCase(el.dataset.caseId);
  }
});

$("logout").addEventListener("click", async () => {
  try {
    await post("/logout");
  } finally {
    location.replace("/login");
  }
});

$("search-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const q = $("case-search").value.trim();
  if (q) openCase(q);
});
$("window").addEventListener("change", () => void refresh());
$("lang-toggle").addEventListener("click", () => {
  lang = lang === "zh" ? "en" : "zh";
  localStorage.setItem("tongban-monitor-lang", lang);
  applyLanguage();
});

function connect() {
  const es = new EventSource("/api/events");
  es.addEventListener("open", () => {
    $("live").classList.add("on");
    $("live").dataset.i18n = "live";
    $("live").textContent = t("live");
    soon();
  });
  es.addEventListener("change", soon);
  es.addEventListener("error", () => {
    $("live").classList.remove("on");
    $("live").dataset.i18n = "offline";
    $("live").textContent = t("offline");
  });
}

(async () => {
  const m = /^#case=(.+)$/.exec(location.hash);
  if (m) openCaseId = decodeURIComponent(m[1]);
  session = await api("/api/session");
  if (session.operator) {
    $("operator").textContent = `${session.operator.name} (${session.operator.city})`;
    $("operator").hidden = false;
    $("logout").hidden = false;
  }
  labels = await api("/api/labels");
  applyLanguage();
  await Promise.all([refresh(), refreshOps()]);
  connect();
  // Time moves even when no event does: deadlines and latency windows are re-read regularly.
  setInterval(refresh, 5_000);
  setInterval(refreshOps, 5_000);
})();
