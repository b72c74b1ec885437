import { html } from "lit-html";

/** What the page's controls do, wired by main.ts. */
export interface Actions {
  openCase(id: string): void;
  closeCase(): void;
  inspect(id: string): void;
  replay(id: string): void;
  replayAll(node: string): void;
}

/** A case id that opens the case's timeline. */
export const caseLink = (id: string, a: Actions) => html`<a class="case" data-case-id=${id} @click=${() => a.openCase(id)}>${id}</a>`;
