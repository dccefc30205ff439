// Login page: exchange an API token for a session cookie, then go where the user was heading.
"use strict";

document.getElementById("login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const error = document.getElementById("login-error");
  const token = document.getElementById("token").value.trim();
  const result = await nmo.api("POST", "/api/session", { token });
  if (!result.ok) {
    nmo.show(error, result.status === 401 ? "令牌无效：请检查，或请管理员重新生成。" : nmo.errorText(result));
    return;
  }
  const next = new URLSearchParams(window.location.search).get("next");
  window.location.href = next && /^\/(?![\/\\])/.test(next) ? next : "/";
});
