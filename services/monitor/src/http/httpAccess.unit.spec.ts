import { describe, expect, it } from "vitest";
import { CsrfTokens } from "./csrfTokens";
import { isLoopbackHost, ownOrigins } from "./loopback";
import { Sessions } from "./sessions";

describe("which binds need a login, and the origins of a bind", () => {
  it("when the monitor binds to a loopback address, then no login is needed; on any other, including every interface, it is", () => {
    for (const h of ["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]", "::ffff:127.0.0.1"]) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ["0.0.0.0", "::", "10.0.0.5", "192.168.1.2", "monitor.example", "::ffff:10.0.0.1", "128.0.0.1"]) {
      expect(isLoopbackHost(h), h).toBe(false);
    }
  });

  it("when bound to loopback, then its own origins are every local name; on a named address only that one; on a wildcard none", () => {
    expect(ownOrigins("127.0.0.1", 8080)).toEqual(["http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080"]);
    expect(ownOrigins("10.0.0.5", 8080)).toEqual(["http://10.0.0.5:8080"]);
    expect(ownOrigins("0.0.0.0", 8080)).toEqual([]);
  });
});

describe("CSRF tokens", () => {
  it("when a token is checked, then only the scope it was issued for accepts it, and a changed or foreign one is refused", () => {
    const csrf = new CsrfTokens();
    const token = csrf.issue("session:a");
    expect(csrf.valid("session:a", token)).toBe(true);
    expect(csrf.valid("session:b", token)).toBe(false);
    expect(csrf.valid("session:a", `${token}x`)).toBe(false);
    expect(csrf.valid("session:a", `x${token}`)).toBe(false);
    expect(csrf.valid("session:a", undefined)).toBe(false);
    expect(new CsrfTokens().valid("session:a", token)).toBe(false);
  });
});

describe("login sessions", () => {
  it("when a session's token expiry passes, then it is gone; a closed one too; beyond the cap the oldest goes first", () => {
    let now = 1_000;
    const sessions = new Sessions(2, () => now);
    const person = { id: "op", name: "op", city: "xiamen", department: "", roles: ["operator"], expiresAt: new Date(5_000) };
    const a = sessions.open(person, 5_000);
    const b = sessions.open(person, 9_000);
    expect(a.id).not.toBe(b.id);
    expect(sessions.get(a.id)).toBe(a);
    const c = sessions.open(person, 9_000);
    expect(sessions.get(a.id)).toBeUndefined();
    now = 9_000;
    expect(sessions.get(b.id)).toBeUndefined();
    sessions.close(c.id);
    expect(sessions.get(c.id)).toBeUndefined();
  });
});
