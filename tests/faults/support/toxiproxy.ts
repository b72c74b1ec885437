/** The few calls of Toxiproxy's HTTP API the suite needs (https://github.com/Shopify/toxiproxy#http-api). */
export interface Toxic {
  name: string;
  type: "latency" | "bandwidth" | "reset_peer" | "timeout" | "slow_close" | "slicer" | "limit_data";
  stream?: "upstream" | "downstream";
  toxicity?: number;
  attributes: Record<string, number>;
}

export class Toxiproxy {
  constructor(private readonly api: string) {}

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${this.api}${path}`, {
      method,
      headers: { "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`toxiproxy ${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  }

  /** Creates (or re-creates, without toxics) a proxy from `listen` to `upstream`. */
  async proxy(name: string, listen: string, upstream: string): Promise<void> {
    await this.call("DELETE", `/proxies/${name}`).catch(() => undefined);
    await this.call("POST", "/proxies", { name, listen, upstream, enabled: true });
  }

  /** Disabling a proxy closes its connections and refuses new ones. */
  async enable(name: string, enabled: boolean): Promise<void> {
    await this.call("POST", `/proxies/${name}`, { enabled });
  }

  async addToxic(proxy: string, toxic: Toxic): Promise<void> {
    await this.call("POST", `/proxies/${proxy}/toxics`, { stream: "downstream", toxicity: 1, ...toxic });
  }

  async removeToxic(proxy: string, name: string): Promise<void> {
    await this.call("DELETE", `/proxies/${proxy}/toxics/${name}`);
  }

  async delete(name: string): Promise<void> {
    await this.call("DELETE", `/proxies/${name}`).catch(() => undefined);
  }
}
