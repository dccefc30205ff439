// Shared page code: API calls with the session cookie, messages, and the logout button.
"use strict";

const nmo = {
  async api(method, path, body) {
    const options = { method, headers: { "Accept": "application/json" }, credentials: "same-origin" };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, options);
    } catch (err) {
      return { ok: false, status: 0, data: { error: { problem: "无法连接服务器。", fix: "检查 nmo serve 是否在运行。" } } };
    }
    let data = null;
    try { data = await response.json(); } catch (err) { data = null; }
    return { ok: response.ok, status: response.status, data };
  },

  errorText(result) {
    const error = (result.data && result.data.error) || {};
    const parts = [error.problem || `请求失败（HTTP ${result.status}）。`];
    if (error.fix) parts.push(error.fix);
    return parts.join(" ");
  },

  show(element, text) {
    element.textContent = text;
    element.hidden = !text;
  },

  toast(text) {
    const box = document.getElementById("toast");
    if (!box) return;
    box.textContent = text;
    box.hidden = false;
    clearTimeout(nmo._toastTimer);
    nmo._toastTimer = setTimeout(() => { box.hidden = true; }, 4000);
  },

  isTyping(event) {
    const target = event.target;
    return target && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
  },
};

document.addEventListener("DOMContentLoaded", () => {
  const logout = document.getElementById("logout");
  if (logout) {
    logout.addEventListener("click", async () => {
      await nmo.api("DELETE", "/api/session");
      window.location.href = "/login";
    });
  }
});
