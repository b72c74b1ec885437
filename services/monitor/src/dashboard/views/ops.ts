import { html } from "lit-html";
import type { HealthRow, LagRow } from "../../apiTypes";
import { apiName, city } from "../format";

export const lagRows = (lag: readonly LagRow[]) =>
  lag.map(
    (l) =>
      html`<tr data-testid="lag-row">
        <td>${l.node === "monitor" ? "monitor" : city(l.node)}</td>
        <td>${l.group}</td>
        <td>${l.topic}</td>
        <td class=${l.lag === null ? "bad" : l.lag > 0 ? "warn" : "ok"}>${l.lag ?? l.error}</td>
      </tr>`,
  );

export const healthRows = (health: readonly HealthRow[]) =>
  health.map(
    (h) =>
      html`<tr data-testid="health-row" data-node=${h.node} data-api=${h.api} data-state=${h.state}>
        <td>${city(h.node)}</td>
        <td>${apiName(h.api)} <span class="muted">${h.service}</span></td>
        <td>${h.address}</td>
        <td class=${h.state === "SERVING" ? "ok" : "bad"}>${h.state}</td>
      </tr>`,
  );
