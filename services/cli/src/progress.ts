import type { Output } from "./output";

/**
 * A progress line for long operations: redrawn in place on a terminal (bar, count, percent),
 * one line per tenth of the work elsewhere (logs, tests).
 */
export class Progress {
  private done = 0;
  private lastDecile = -1;
  private lastDraw = 0;

  constructor(
    private readonly out: Output,
    private readonly label: string,
    private total: number,
  ) {}

  /** Items done so far. */
  get count(): number {
    return this.done;
  }

  /** Marks `n` more items done. */
  tick(n = 1): void {
    this.done += n;
    if (this.done > this.total) this.total = this.done;
    this.draw(false);
  }

  /** Draws the final state and ends the line. */
  finish(): void {
    this.draw(true);
  }

  render(): string {
    const width = 24;
    const ratio = this.total === 0 ? 1 : this.done / this.total;
    const filled = Math.round(ratio * width);
    return `${this.label} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${this.done}/${this.total} ${Math.floor(ratio * 100)}%`;
  }

  private draw(final: boolean): void {
    if (this.out.isTTY) {
      const now = Date.now();
      if (!final && now - this.lastDraw < 100) return;
      this.lastDraw = now;
      this.out.write(`\r${this.render()}${final ? "\n" : ""}`);
      return;
    }
    const decile = this.total === 0 ? 10 : Math.floor((this.done / this.total) * 10);
    if (decile === this.lastDecile && !final) return;
    if (final && decile === this.lastDecile) return;
    this.lastDecile = decile;
    this.out.write(`${this.render()}\n`);
  }
}
