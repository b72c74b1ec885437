/** Where a command prints: process.stdout in the CLI, a buffer in tests. */
export interface Output {
  write(text: string): unknown;
  /** A terminal gets a progress line redrawn in place; anything else gets one line per step. */
  readonly isTTY?: boolean;
}

/** An Output that keeps what was written, for tests and for callers that post-process. */
export function bufferOutput(): Output & { text(): string } {
  const chunks: string[] = [];
  return { write: (t: string) => chunks.push(t), isTTY: false, text: () => chunks.join("") };
}
