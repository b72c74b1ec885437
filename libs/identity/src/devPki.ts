import "reflect-metadata";
import { generateKeyPairSync, webcrypto } from "node:crypto";

// @peculiar/x509 names the global CryptoKey, which is the DOM's where this file is also compiled for the dashboard
// (its API types reach here): keys from node:crypto are handed to it "as never".
type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as x509 from "@peculiar/x509";
import { exportJWK, generateKeyPair } from "jose";
import { type Role, cityTrustUri, spiffeUri } from "./spiffeId";

x509.cryptoProvider.set(webcrypto as never);

const alg = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const DAY = 86_400_000;

/** Where `npm start`, the tests, the bench, the CLI and the demo keep the development PKI (git-ignored). */
export const defaultPkiDir: string =
  process.env.TONGBAN_PKI_DIR ?? new URL("../../../.run/pki/", import.meta.url).pathname.replace(/\/$/, "");

/** The files of one identity: its certificate, its key and the network's trust bundle (every city's CA). */
export interface IdentityFiles {
  cert: string;
  key: string;
  ca: string;
}

/** A city of the development PKI and the issuing departments (统一社会信用代码) its registry knows. */
export interface PkiCity {
  id: string;
  issuers?: readonly string[];
}

export const trustBundlePath = (dir: string) => join(dir, "trust.crt");

export function identityFiles(dir: string, city: string, role: Role, name: string): IdentityFiles {
  return { cert: join(dir, city, `${role}-${name}.crt`), key: join(dir, city, `${role}-${name}.key`), ca: trustBundlePath(dir) };
}

/** The development identity provider's files of a city: its signing key (private JWK) and its JWKS. */
export const idpFiles = (dir: string, city: string) => ({ key: join(dir, city, "idp.key.jwk"), jwks: join(dir, city, "idp.jwks.json") });

/** Identities every city gets: its node and registry (servers), a window, an authority, operators, an auditor and a Kafka broker's TLS identity. */
export function defaultIdentities(city: PkiCity): { role: Role; name: string }[] {
  return [
    { role: "node", name: city.id },
    { role: "registry", name: city.id },
    { role: "window", name: "main" },
    { role: "authority", name: "main" },
    { role: "operator", name: "main" },
    { role: "operator", name: "monitor" },
    { role: "auditor", name: "main" },
    { role: "broker", name: "main" },
    ...(city.issuers ?? []).map((code) => ({ role: "issuer" as const, name: code })),
  ];
}

const pemKey = async (key: CryptoKey) => x509.PemConverter.encode(await webcrypto.subtle.exportKey("pkcs8", key as never), "PRIVATE KEY");

/** Writes through a temporary file and a rename, so a reader never sees half a file. */
function writeAtomic(path: string, data: string, mode = 0o644): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data, { mode });
  renameSync(tmp, path);
}

interface Ca {
  cert: x509.X509Certificate;
  key: CryptoKey;
}

async function loadOrCreateCa(dir: string, city: string): Promise<Ca> {
  const certPath = join(dir, city, "ca.crt");
  const keyPath = join(dir, city, "ca.key");
  if (existsSync(certPath) && existsSync(keyPath)) {
    const der = x509.PemConverter.decodeFirst(readFileSync(keyPath, "utf8"));
    const key = await webcrypto.subtle.importKey("pkcs8", der, alg, false, ["sign"]);
    return { cert: new x509.X509Certificate(readFileSync(certPath, "utf8")), key };
  }
  const keys = (await webcrypto.subtle.generateKey(alg, true, ["sign", "verify"])) as CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: `CN=Tongban ${city} development CA, O=Tongban Exchange`,
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + 10 * 365 * DAY),
    signingAlgorithm: alg,
    keys: keys as never,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey as never),
      // The CA's trust domain: identities it signs must name this city (checked by every server).
      new x509.SubjectAlternativeNameExtension([{ type: "url", value: cityTrustUri(city) }]),
    ],
  });
  writeAtomic(keyPath, await pemKey(keys.privateKey), 0o600);
  writeAtomic(certPath, cert.toString("pem"));
  return { cert, key: keys.privateKey };
}

function randomSerial(): string {
  const b = webcrypto.getRandomValues(new Uint8Array(12));
  b[0] = b[0]! & 0x7f;
  return Buffer.from(b).toString("hex");
}

/**
 * Issues (or re-issues) one identity's certificate from its city's CA: the SPIFFE URI in the SAN,
 * server and client use, and loopback names so the same certificate serves a local server.
 */
export async function issueIdentity(
  dir: string,
  city: string,
  role: Role,
  name: string,
  opts: { hosts?: readonly string[]; validDays?: number; notBefore?: Date } = {},
): Promise<IdentityFiles> {
  mkdirSync(join(dir, city), { recursive: true });
  const ca = await loadOrCreateCa(dir, city);
  const files = identityFiles(dir, city, role, name);
  const keys = (await webcrypto.subtle.generateKey(alg, true, ["sign", "verify"])) as CryptoKeyPair;
  const uri = spiffeUri(city, role, name);
  const hosts = opts.hosts ?? ["localhost", "127.0.0.1", "::1"];
  const notBefore = opts.notBefore ?? new Date(Date.now() - DAY);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: `CN=${role} ${name}, OU=${city}, O=Tongban Exchange`,
    issuer: ca.cert.subject,
    notBefore,
    notAfter: new Date(notBefore.getTime() + (opts.validDays ?? 365) * DAY),
    signingAlgorithm: alg,
    publicKey: keys.publicKey as never,
    signingKey: ca.key as never,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: "url", value: uri },
        ...hosts.map((h) => (/^[\d.]+$|:/.test(h) ? { type: "ip" as const, value: h } : { type: "dns" as const, value: h })),
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert),
    ],
  });
  writeAtomic(files.key, await pemKey(keys.privateKey), 0o600);
  writeAtomic(files.cert, cert.toString("pem"));
  return files;
}

async function ensureIdp(dir: string, city: string): Promise<void> {
  const f = idpFiles(dir, city);
  if (existsSync(f.key) && existsSync(f.jwks)) return;
  const { publicKey, privateKey } = await generateKeyPair("ES256", { extractable: true });
  const kid = `${city}-${Date.now().toString(36)}`;
  const pub = { ...(await exportJWK(publicKey)), kid, alg: "ES256", use: "sig" };
  writeAtomic(f.key, JSON.stringify({ ...(await exportJWK(privateKey)), kid, alg: "ES256" }), 0o600);
  writeAtomic(f.jwks, JSON.stringify({ keys: [pub] }, null, 2));
}

/** Who signs on the bus from a city: its node (case events, tracking) and its registry (revocations). */
export const SIGNING_ROLES = ["node", "registry"] as const;
export type SigningRole = (typeof SIGNING_ROLES)[number];

/**
 * What a bus key does: `signing` (Ed25519; nodes and registries sign what they publish) or
 * `sealing` (X25519; windows' nodes seal applicants' personal data for a case's home node).
 */
export type KeyUse = "signing" | "sealing";

/** A bus key's files: its private key (PKCS#8 PEM) and its public entries, active key last. */
export const busKeyFiles = (dir: string, city: string, role: SigningRole, use: KeyUse = "signing") => ({
  key: join(dir, city, `${role}-${use}.key`),
  pub: join(dir, city, `${role}-${use}.json`),
});

/** Every public bus key of the development network (`signingKeys`, `sealingKeys`), as the network configuration lists them. */
export const signingKeysPath = (dir: string) => join(dir, "signing-keys.json");

interface KeyEntry {
  keyId: string;
  principal: string;
  publicKey: string;
  status: "active" | "retired";
}

/**
 * Creates (or, with `rotate`, replaces) a bus key of a city's node or registry. A rotated key's
 * public half stays listed as retired (what it signed still verifies) and its private key is kept
 * beside the new one as `<file>.<key id>` (what was sealed for it can still be opened).
 */
export function issueBusKey(dir: string, city: string, role: SigningRole, use: KeyUse = "signing", rotate = false): KeyEntry {
  const f = busKeyFiles(dir, city, role, use);
  const earlier: KeyEntry[] = existsSync(f.pub) ? (JSON.parse(readFileSync(f.pub, "utf8")) as KeyEntry[]) : [];
  const current = earlier[earlier.length - 1];
  if (current && existsSync(f.key) && !rotate) return current;
  const { publicKey, privateKey } = use === "signing" ? generateKeyPairSync("ed25519") : generateKeyPairSync("x25519");
  const entry: KeyEntry = {
    keyId: `${city}-${role}-${use === "signing" ? "sig" : "seal"}-${Date.now().toString(36)}`,
    principal: `${role}:${city}`,
    publicKey: publicKey.export({ type: "spki", format: "pem" }).toString(),
    status: "active",
  };
  if (current && existsSync(f.key)) writeAtomic(`${f.key}.${current.keyId}`, readFileSync(f.key, "utf8"), 0o600);
  writeAtomic(f.key, privateKey.export({ type: "pkcs8", format: "pem" }).toString(), 0o600);
  writeAtomic(f.pub, JSON.stringify([...earlier.map((e) => ({ ...e, status: "retired" as const })), entry], null, 2));
  return entry;
}

/** Rewrites the network's lists of public bus keys from every city's files. */
export function writeSigningKeys(dir: string): void {
  const lists: Record<string, KeyEntry[]> = { signingKeys: [], sealingKeys: [] };
  for (const city of readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory())) {
    for (const role of SIGNING_ROLES) {
      for (const use of ["signing", "sealing"] as const) {
        const f = busKeyFiles(dir, city.name, role, use);
        if (existsSync(f.pub)) lists[`${use}Keys`]!.push(...(JSON.parse(readFileSync(f.pub, "utf8")) as KeyEntry[]));
      }
    }
  }
  const text = JSON.stringify(lists, null, 2);
  if (!existsSync(signingKeysPath(dir)) || readFileSync(signingKeysPath(dir), "utf8") !== text) writeAtomic(signingKeysPath(dir), text);
}

/** Serialises PKI creation between processes (test workers, `npm start`) with a lock directory. */
async function withLock<T>(dir: string, work: () => Promise<T>): Promise<T> {
  mkdirSync(dir, { recursive: true });
  const lock = join(dir, ".lock");
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      // A lock left by a killed process is taken over after 30 s.
      const held = statSync(lock, { throwIfNoEntry: false });
      // (Gone already: the holder just released it; try again at once.)
      if (!held) continue;
      if (Date.now() > deadline || Date.now() - held.mtimeMs > 30_000) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Creates what is missing of the development PKI: a CA and an identity provider per city, the
 * default identities, and the trust bundle of every city's CA. Existing files are kept, so this is
 * cheap to call from every entry point.
 */
export async function ensureDevPki(cities: readonly PkiCity[], dir: string = defaultPkiDir): Promise<string> {
  return withLock(dir, async () => {
    const cas: string[] = [];
    for (const city of cities) {
      mkdirSync(join(dir, city.id), { recursive: true });
      cas.push((await loadOrCreateCa(dir, city.id)).cert.toString("pem"));
      for (const { role, name } of defaultIdentities(city)) {
        if (!existsSync(identityFiles(dir, city.id, role, name).cert)) await issueIdentity(dir, city.id, role, name);
      }
      await ensureIdp(dir, city.id);
      for (const role of SIGNING_ROLES) issueBusKey(dir, city.id, role, "signing");
      issueBusKey(dir, city.id, "node", "sealing");
    }
    writeSigningKeys(dir);
    // Every city that has a CA here stays trusted, like the signing keys above: a call for fewer
    // cities (another entry point, an older network file) never drops one a running process uses.
    const named = new Set(cities.map((c) => c.id));
    for (const other of readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && !named.has(d.name))
      .sort((a, b) => a.name.localeCompare(b.name))) {
      const ca = join(dir, other.name, "ca.crt");
      if (existsSync(ca)) cas.push(readFileSync(ca, "utf8").trim());
    }
    const bundle = `${cas.join("\n")}\n`;
    if (!existsSync(trustBundlePath(dir)) || readFileSync(trustBundlePath(dir), "utf8") !== bundle)
      writeAtomic(trustBundlePath(dir), bundle);
    return dir;
  });
}
