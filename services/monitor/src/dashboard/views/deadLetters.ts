import { html } from "lit-html";
import type { DeadLetterView } from "../../apiTypes";
import { city, nodes, when } from "../format";
import { lang, t } from "../i18n";
import { type Actions, caseLink } from "./actions";

const statusClass = (s: string) => ({ dead: "warn", replaying: "muted", delivered: "ok", failed: "bad" })[s] ?? "";

/** Dead letters of every node with their reason and the latest replay's result. */
export const deadLetterRows = (letters: readonly DeadLetterView[], a: Actions) =>
  letters.length === 0
    ? html`<tr>
        <td colspan="8" class="muted">${t("none")}</td>
      </tr>`
    : letters.map((d) => {
        const r = d.replays[d.replays.length - 1];
        const detail = r?.outcome ? ` · ${r.outcome.detail}` : "";
        const caseId = d.event?.caseId;
        return html`<tr data-testid="dead-letter" data-id=${d._id} data-node=${d.node} data-case-id=${caseId ?? ""}>
          <td>${city(d.node)}</td>
          <td>${d.code}</td>
          <td class="wrap">${d.reason}</td>
          <td>${d.event?.type ?? d.headers.find((h) => h.name === "event-type")?.value ?? "—"}</td>
          <td>${caseId ? caseLink(caseId, a) : "—"}</td>
          <td>${when(d.deadLetteredAt ?? d.receivedAt)}</td>
          <td class="${statusClass(d.status)} wrap" data-testid="dl-status" data-status=${d.status}>${t(d.status)}${detail}</td>
          <td>
            <button data-testid="inspect" @click=${() => a.inspect(d._id)}>${t("inspect")}</button>
            <button data-testid="replay" @click=${() => a.replay(d._id)}>${t("replay")}</button>
          </td>
        </tr>`;
      });

export const replayAllButtons = (a: Actions) =>
  nodes().map(
    (n) =>
      html`<button
        data-testid="replay-all-${n.id}"
        @click=${(ev: Event) => {
          (ev.currentTarget as HTMLButtonElement).disabled = true;
          a.replayAll(n.id);
        }}
      >
        ${t("replayAll")} · ${n[lang()]}
      </button> `,
  );

/** One dead letter's routing metadata, envelope (never the payload), headers and replays. */
export const inspectView = (d: DeadLetterView) =>
  html`<h3>${d._id}</h3>
    <div>${t("source")}: ${d.sourceTopic} / ${d.sourcePartition} @ ${d.sourceOffset} · ${d.group} · ${d.size} B</div>
    <h3>${t("envelope")}</h3>
    <pre>${JSON.stringify(d.event ?? null, null, 2)}</pre>
    <h3>${t("headers")}</h3>
    <pre>${d.headers.map((h) => `${h.name}: ${h.value}`).join("\n")}</pre>
    <h3>${t("replays")}</h3>
    <pre data-testid="inspect-replays">
${
        d.replays
          .map((r) => `${when(r.replayedAt)} ${r._id} → ${r.outcome ? `${t(r.outcome.outcome)} (${r.outcome.detail})` : t("replaying")}`)
          .join("\n") || t("none")
      }</pre>`;
