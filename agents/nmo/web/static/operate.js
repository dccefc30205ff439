// Operator page: submit a request, follow its progress node by node (server-sent events), show the drafts.
"use strict";

(() => {
  const form = document.getElementById("submit-form");
  const progress = document.getElementById("progress");
  const results = document.getElementById("results");
  const runId = document.getElementById("run-id");
  const statusNames = nmo.statusNames;
  const fieldNames = { topic: "选题", angle: "角度", source_text: "原文", brief: "需求", platforms: "平台", platform: "平台", start: "开始日期", days: "天数", draft_first: "直接写前几条", briefs: "平台和选题" };

  const line = (label, detail, cls) => {
    const li = document.createElement("li");
    if (cls) li.className = cls;
    const node = document.createElement("span");
    node.className = "node";
    node.textContent = label;
    li.append(node);
    if (detail) {
      const d = document.createElement("span");
      d.className = "detail";
      d.textContent = detail;
      li.append(d);
    }
    progress.append(li);
    progress.scrollTop = progress.scrollHeight;
  };

  const showDrafts = (drafts, status) => {
    results.replaceChildren();
    const head = document.createElement("p");
    head.textContent = `结果：${statusNames[status] || status}，${drafts.length} 篇稿件`;
    results.append(head);
    const list = document.createElement("ul");
    for (const d of drafts) {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = `/review/${encodeURIComponent(d.id)}`;
      a.textContent = `${d.id} · ${d.platform_name || d.platform} · ${d.topic}`;
      const s = document.createElement("span");
      s.className = `status status-${d.status}`;
      s.textContent = statusNames[d.status] || d.status;
      li.append(a, " ", s);
      list.append(li);
    }
    results.append(list);
  };

  // started() runs once, at the run's first event (or its end): the operator page then lets a new request go.
  const follow = (requestId, started = () => {}) => {
    progress.replaceChildren();
    results.replaceChildren();
    runId.textContent = requestId;
    line("已提交", "正在排队/运行…", "queued");
    const source = new EventSource(`/api/requests/${encodeURIComponent(requestId)}/events`);
    let begun = false;
    const begin = () => { if (!begun) { begun = true; started(); } };
    source.addEventListener("node", (event) => {
      begin();
      const e = JSON.parse(event.data);
      line(e.branch ? `稿件${e.branch} · ${e.label}` : e.label, e.detail);
    });
    source.addEventListener("done", (event) => {
      begin();
      const e = JSON.parse(event.data);
      line("完成", statusNames[e.status] || e.status, "done");
      showDrafts(e.drafts, e.status);
      if (e.plan_id) {
        const link = document.createElement("a");
        link.href = `/plans/${encodeURIComponent(e.plan_id)}`;
        link.id = "plan-link";
        link.textContent = `查看选题计划 ${e.plan_id}`;
        results.prepend(link);
      }
      source.close();
    });
    source.addEventListener("error", (event) => {
      begin();
      if (event.data) {
        const e = JSON.parse(event.data);
        line("出错", `${e.zh_problem} ${e.zh_fix}`, "error");
      } else {
        line("进度中断", "与服务器的连接断开了；刷新页面可查看这个请求的结果。", "error");
      }
      source.close();
    });
  };

  if (form) {
    const sections = Array.from(form.querySelectorAll("[data-for]"));
    const kind = () => form.querySelector("input[name=kind]:checked").value;
    const sync = () => sections.forEach((s) => { s.hidden = !s.dataset.for.split(" ").includes(kind()); });
    form.querySelectorAll("input[name=kind]").forEach((r) => r.addEventListener("change", sync));
    sync();

    const submitButton = document.getElementById("submit");
    let inFlight = false;
    const setBusy = (busy) => {
      inFlight = busy;
      submitButton.disabled = busy;
      submitButton.textContent = busy ? "提交中…" : "提交";
    };

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (inFlight) return;  // a second click or Enter while the first submission is on its way
      setBusy(true);
      const error = document.getElementById("submit-error");
      nmo.show(error, "");
      progress.replaceChildren();
      results.replaceChildren();
      runId.textContent = "";
      const platforms = Array.from(form.querySelectorAll("input[name=platforms]:checked")).map((c) => c.value);
      const value = (id) => document.getElementById(id).value;
      let body;
      if (kind() === "plan") {
        body = { kind: "plan", draft_first: Number(value("draft_first")),
          plan: { brief: value("brief"), platforms, start: value("start"), days: Number(value("days")), goal: value("goal") } };
      } else {
        body = { kind: kind(), briefs: platforms.map((platform) => ({
          platform, topic: value("topic"), angle: value("angle"), source_text: kind() === "adapt" ? value("source_text") : "" })) };
      }
      const result = await nmo.api("POST", "/api/requests", body);
      if (!result.ok) {
        const fields = (result.data && result.data.error && result.data.error.fields) || [];
        const named = fields.map((f) => fieldNames[f.field.split(".").filter((p) => !/^\d+$/.test(p)).pop()]).filter(Boolean);
        nmo.show(error, fields.length ? `请检查：${[...new Set(named)].join("、") || "填写的内容"}。` : nmo.errorText(result));
        setBusy(false);
        return;
      }
      follow(result.data.request_id, () => setBusy(false));
    });
  }

  const followId = new URLSearchParams(window.location.search).get("follow");
  if (followId) follow(followId);

  document.querySelectorAll(".show-request").forEach((button) => {
    button.addEventListener("click", async () => {
      const result = await nmo.api("GET", `/api/requests/${encodeURIComponent(button.dataset.id)}`);
      if (!result.ok) { nmo.toast(nmo.errorText(result)); return; }
      runId.textContent = button.dataset.id;
      progress.replaceChildren();
      showDrafts(result.data.drafts.map((d) => ({ id: d.id, platform: d.platform, topic: d.topic, status: d.status })),
        result.data.request.status);
    });
  });
})();
