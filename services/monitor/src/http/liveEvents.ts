import type { ServerResponse } from "node:http";

/**
 * Server-sent events to every open dashboard: a `change` event, coalesced to at most one per
 * `minIntervalMs`, tells pages to fetch the views again; a comment line keeps proxies from
 * closing idle streams.
 */
export class LiveEvents {
  private readonly clients = new Set<ServerResponse>();
  private pending: NodeJS.Timeout | undefined;
  private last = 0;
  private readonly keepAlive: NodeJS.Timeout;

  constructor(private readonly minIntervalMs = 250) {
    this.keepAlive = setInterval(() => this.write(": keep-alive\n\n"), 15_000);
    this.keepAlive.unref();
  }

  attach(res: ServerResponse): void {
    res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", connection: "keep-alive" });
    res.write("retry: 2000\n\n");
    this.clients.add(res);
    res.on("close", () => this.clients.delete(res));
  }

  /** Something changed: tell the pages (soon, once). */
  notify(): void {
    if (this.pending) return;
    const wait = Math.max(0, this.last + this.minIntervalMs - Date.now());
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.last = Date.now();
      this.write(`event: change\ndata: ${JSON.stringify({ at: new Date().toISOString() })}\n\n`);
    }, wait);
  }

  get size(): number {
    return this.clients.size;
  }

  close(): void {
    clearInterval(this.keepAlive);
    if (this.pending) clearTimeout(this.pending);
    for (const c of this.clients) c.end();
    this.clients.clear();
  }

  private write(chunk: string): void {
    for (const c of this.clients) c.write(chunk);
  }
}
