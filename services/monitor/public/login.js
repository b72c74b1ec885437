// The monitor's login: the operator pastes a token; the monitor answers with a session cookie.
"use strict";

document.getElementById("login-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const message = document.getElementById("message");
  message.textContent = "";
  try {
    const { token: csrf } = await (await fetch("/api/csrf")).json();
    const res = await fetch("/login", {
      method: "POST",
      headers: { "content-type": "application/json", "x-csrf-token": csrf },
      body: JSON.stringify({ token: document.getElementById("token").value.trim() }),
    });
    if (!res.ok) throw new Error((await res.json().catch(() => ({}))).error ?? `${res.status}`);
    location.replace("/");
  } catch (err) {
    message.textContent = err.message;
  }
});
