import { type Server, type Socket, connect, createServer } from "node:net";

/** A TCP proxy a test can cut and restore: what a store or broker outage looks like to a client. */
export interface TcpProxy {
  port: number;
  /** Drops every open connection and refuses new ones until restored. */
  cut(): void;
  /** Stops forwarding without closing anything: packets vanish, as in a network partition. */
  stall(): void;
  restore(): void;
  close(): Promise<void>;
}

/** Starts a proxy on a free loopback port forwarding to `target` ("host:port"). */
export async function startTcpProxy(target: string): Promise<TcpProxy> {
  const [host, port] = [target.slice(0, target.lastIndexOf(":")), Number(target.slice(target.lastIndexOf(":") + 1))];
  const open = new Set<Socket>();
  let down = false;
  let stalled = false;
  const held = new Set<Socket>();
  const server: Server = createServer((client) => {
    if (down) return void client.destroy();
    if (stalled) {
      held.add(client.pause());
      return;
    }
    const upstream = connect(port, host);
    open.add(client);
    open.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as { port: number }).port,
    cut: () => {
      down = true;
      for (const s of open) s.destroy();
      open.clear();
    },
    stall: () => {
      stalled = true;
      for (const s of open) {
        s.unpipe();
        s.pause();
      }
    },
    restore: () => {
      down = false;
      stalled = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of [...open, ...held]) s.destroy();
        server.close(() => resolve());
      }),
  };
}
