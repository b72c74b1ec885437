import type { SessionInfo } from "../apiTypes";

let session: SessionInfo = { loginRequired: false };
let csrfToken: string | null = null;

export const currentSession = () => session;

/** GET (or `init`) a JSON resource of the monitor; a monitor that requires login answers 401 once the session expired: back to the login page. */
export async function api<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(path, init);
  if (res.status === 401 && session.loginRequired) location.replace("/login");
  const body = (await res.json().catch(() => ({}))) as T & { error?: string };
  if (!res.ok) throw new Error(body.error ?? `${res.status}`);
  return body;
}

export async function loadSession(): Promise<SessionInfo> {
  session = await api<SessionInfo>("/api/session");
  return session;
}

/**
 * A state-changing request: the browser sends its Origin, the page adds the CSRF token of its
 * session (fetched once, and again when the monitor no longer accepts it, e.g. after a restart).
 */
export async function post<T>(path: string): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    csrfToken ??= (await api<{ token: string }>("/api/csrf")).token;
    try {
      return await api<T>(path, { method: "POST", headers: { "x-csrf-token": csrfToken } });
    } catch (err) {
      if (attempt > 0 || !/CSRF/.test((err as Error).message)) throw err;
      csrfToken = null;
    }
  }
}

/** Server-sent change notices; `onChange` on each, `onStatus` with whether the stream is up. */
export function connect(onChange: () => void, onStatus: (live: boolean) => void): void {
  const es = new EventSource("/api/events");
  es.addEventListener("open", () => {
    onStatus(true);
    onChange();
  });
  es.addEventListener("change", onChange);
  es.addEventListener("error", () => onStatus(false));
}
