// Shared page code: API calls with the session cookie, messages, and the logout button.
"use strict";

const nmo = {
  // A body is sent as JSON, unless a content type is given: then it is sent as the text it is (e.g. YAML).
  async api(method, path, body, contentType) {
    const options = { method, headers: { "Accept": "application/json" }, credentials: "same-origin" };
    if (body !== undefined) {
      options.headers["Content-Type"] = contentType || "application/json";
      options.body = contentType ? body : JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, options);
    } catch (err) {
      return { ok: false, status: 0, data: { error: { zh_problem: "无法连接服务器。", zh_fix: "请检查网络，或请管理员确认审核台服务在运行。" } } };
    }
    let data = null;
    try { data = await response.json(); } catch (err) { data = null; }
    return { ok: response.ok, status: response.status, data };
  },

  // The pages speak Chinese: the API's zh_problem / zh_fix (problem / fix are English, for scripts).
  errorText(result) {
    const error = (result.data && result.data.error) || {};
    const parts = [error.zh_problem || `请求没有完成（HTTP ${result.status}）。`];
    if (error.zh_fix) parts.push(error.zh_fix);
    return parts.join(" ");
  },

  statusNames: { pending_review: "待审核", approved: "已通过", rejected: "已退回", failed: "失败", writing: "写作中", done: "已完成", running: "运行中" },

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
