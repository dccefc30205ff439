// Operator page: submit a request, follow its progress node by node (server-sent events), show the drafts.
"use strict";

(() => {
  const form = document.getElementById("submit-form");
  const progress = document.getElementById("progress");
  const results = document.getElementById("results");
  const runId = document.getElementById("run-id");
  const statusNames = { pending_review: "待审核", approved: "已通过", rejected: "已退回", failed: "失败", writing: "写作中", done: "已完成", running: "运行中" };

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

  const follow = (requestId) => {
    progress.replaceChildren();
    results.replaceChildren();
    runId.textContent = requestId;
    const source = new EventSource(`/api/requests/${encodeURIComponent(requestId)}/events`);
    source.addEventListener("node", (event) => {
      const e = JSON.parse(event.data);
      line(e.branch ? `稿件${e.branch} · ${e.label}` : e.label, e.detail);
    });
    source.addEventListener("done", (event) => {
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
      if (event.data) {
        const e = JSON.parse(event.data);
        line("出错", `${e.problem} ${e.fix}`, "error");
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

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
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
        nmo.show(error, nmo.errorText(result) + fields.map((f) => ` [${f.field}: ${f.message}]`).join(""));
        return;
      }
      follow(result.data.request_id);
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
