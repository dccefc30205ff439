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
  window.location.href = sameSiteTarget(new URLSearchParams(window.location.search).get("next"));
});

// Only a path on this desk: browsers drop tabs and newlines and read "\" as "/", so "/\t/evil.example" or
// "/\\evil.example" would leave the site; anything with such characters, or resolving elsewhere, goes home.
function sameSiteTarget(next) {
  if (!next || !next.startsWith("/") || /[\u0000-\u0020\u007f\\]/.test(next)) return "/";
  const target = new URL(next, window.location.origin);
  return target.origin === window.location.origin && !next.startsWith("//") ? target.pathname + target.search : "/";
}
