import { randomBytes } from "node:crypto";
import type { Person } from "@tongban/identity";

/** An operator's login: a random id (the cookie holds only that) and the person its token named. */
export interface Session {
  id: string;
  person: Person;
  /** Epoch milliseconds: the expiry of the token the operator logged in with. */
  expiresAt: number;
}

/** Login sessions, in this process's memory (a restart logs everyone out); at most `max`, oldest dropped first. */
export class Sessions {
  private readonly byId = new Map<string, Session>();

  constructor(
    private readonly max = 10_000,
    private readonly clock: () => number = Date.now,
  ) {}

  open(person: Person, expiresAt: number): Session {
    const now = this.clock();
    for (const [id, s] of this.byId) if (s.expiresAt <= now) this.byId.delete(id);
    while (this.byId.size >= this.max) this.byId.delete(this.byId.keys().next().value!);
    const session = { id: randomBytes(32).toString("base64url"), person, expiresAt };
    this.byId.set(session.id, session);
    return session;
  }

  get(id: string): Session | undefined {
    const s = this.byId.get(id);
    if (s && s.expiresAt <= this.clock()) {
      this.byId.delete(id);
      return undefined;
    }
    return s;
  }

  close(id: string): void {
    this.byId.delete(id);
  }
}
