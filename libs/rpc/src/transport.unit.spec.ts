import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureDevPki, identityFiles } from "@tongban/identity";
import { TransportConfigError, tlsSettingsOf, transportOf } from "./transport";

describe("the gRPC transport configuration", () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "tongban-transport-"));
    await ensureDevPki([{ id: "xiamen" }], dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("when nothing is configured, then the service refuses to start and says how to configure TLS", () => {
    expect(() => transportOf({})).toThrow(/GRPC_TLS_CERT, GRPC_TLS_KEY and GRPC_TLS_CA.*GRPC_INSECURE/);
  });

  it("when the TLS configuration is partial, then the service refuses to start naming what is missing", () => {
    const f = identityFiles(dir, "xiamen", "node", "xiamen");
    expect(() => transportOf({ grpcTlsCert: f.cert, grpcTlsKey: f.key })).toThrow(
      new TransportConfigError("partial gRPC TLS configuration: GRPC_TLS_CA missing"),
    );
    expect(() => transportOf({ grpcTlsCa: f.ca })).toThrow(/GRPC_TLS_CERT, GRPC_TLS_KEY missing/);
  });

  it("when plaintext is asked for together with TLS files, then the service refuses to start", () => {
    expect(() => transportOf({ ...tlsSettingsOf(identityFiles(dir, "xiamen", "node", "xiamen")), grpcInsecure: true })).toThrow(
      /choose one/,
    );
  });

  it("when a file cannot be read or the trust bundle holds no city CA, then the service refuses to start", () => {
    const f = identityFiles(dir, "xiamen", "node", "xiamen");
    expect(() => transportOf({ grpcTlsCert: join(dir, "missing.crt"), grpcTlsKey: f.key, grpcTlsCa: f.ca })).toThrow(
      /GRPC_TLS_CERT: cannot read/,
    );
    // A leaf certificate is not a CA; a CA without its city's trust URI binds no city.
    expect(() => transportOf({ grpcTlsCert: f.cert, grpcTlsKey: f.key, grpcTlsCa: f.cert })).toThrow(/not a CA certificate/);
    const empty = join(dir, "empty.crt");
    writeFileSync(empty, "");
    expect(() => transportOf({ grpcTlsCert: f.cert, grpcTlsKey: f.key, grpcTlsCa: empty })).toThrow(/holds no CA certificate/);
  });

  it("when the plaintext switch is set, then the transport is plaintext and a warning is logged", () => {
    const warned: unknown[] = [];
    const log = { warn: (m: unknown) => warned.push(m) } as never;
    expect(transportOf({ grpcInsecure: true }, log).kind).toBe("insecure");
    expect(String(warned[0])).toMatch(/PLAINTEXT/);
  });

  it("when all three files are given, then the transport is mTLS with the city CAs of the bundle", () => {
    const t = transportOf(tlsSettingsOf(identityFiles(dir, "xiamen", "window", "main")));
    expect(t.kind === "mtls" && t.trust.cities).toEqual(["xiamen"]);
  });
});
