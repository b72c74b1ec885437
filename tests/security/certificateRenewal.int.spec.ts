import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PeerCertificate } from "node:tls";
import { ChannelCredentials, makeGenericClientConstructor } from "@grpc/grpc-js";
import { service as healthService } from "grpc-health-check";
import { afterAll, describe, expect, it } from "vitest";
import { defaultPkiDir, identityFiles, issueIdentity, trustBundlePath } from "@tongban/identity";
import { type RunningGrpcServer, startGrpcServer, tlsSettingsOf, transportOf } from "@tongban/rpc";

const Health = makeGenericClientConstructor(healthService as never, "grpc.health.v1.Health");

/** The serial number of the certificate a server presents to a new connection. */
function servedSerial(address: string): Promise<string> {
  let serial = "";
  const client = callerFiles("xiamen");
  const creds = ChannelCredentials.createSsl(client.ca, client.key, client.cert, {
    checkServerIdentity: (_host: string, cert: PeerCertificate) => {
      serial = cert.serialNumber;
      return undefined;
    },
  });
  const c = new Health(address, creds);
  return new Promise((resolve, reject) =>
    (c as unknown as { check: Function }).check({ service: "" }, { deadline: new Date(Date.now() + 3_000) }, (err: Error | null) => {
      c.close();
      return err ? reject(err) : resolve(serial);
    }),
  );
}

const callerFiles = (city: string) => {
  const f = identityFiles(defaultPkiDir, city, "operator", "main");
  return { ca: readFileSync(trustBundlePath(defaultPkiDir)), key: readFileSync(f.key), cert: readFileSync(f.cert) };
};

describe("renewing a server's certificate", () => {
  const dir = mkdtempSync(join(tmpdir(), "tongban-renewal-"));
  let server: RunningGrpcServer | undefined;
  afterAll(async () => {
    await server?.stop(100);
    rmSync(dir, { recursive: true, force: true });
  });

  it("when the certificate files are replaced, then new connections get the new certificate without a restart", async () => {
    // The city's CA and a registry identity of its own, in a directory this test may rewrite.
    mkdirSync(join(dir, "xiamen"), { recursive: true });
    for (const f of ["ca.crt", "ca.key"]) copyFileSync(join(defaultPkiDir, "xiamen", f), join(dir, "xiamen", f));
    copyFileSync(trustBundlePath(defaultPkiDir), trustBundlePath(dir));
    const files = await issueIdentity(dir, "xiamen", "registry", "xiamen");
    server = await startGrpcServer({
      host: "localhost",
      port: 0,
      services: [],
      tlsReloadMs: 200,
      access: { city: "xiamen", networkCities: ["xiamen"], transport: transportOf(tlsSettingsOf(files)), onDenied: () => undefined },
    });
    const address = `localhost:${server.port}`;
    const before = await servedSerial(address);
    await issueIdentity(dir, "xiamen", "registry", "xiamen");
    await new Promise((r) => setTimeout(r, 600));
    const after = await servedSerial(address);
    expect(after).not.toBe(before);
    expect(after).toMatch(/^[0-9A-F]+$/);
  });
});
