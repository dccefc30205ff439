// Draft view: finding tooltips, apply a suggestion, quick note actions, approve / edit / reject, revision diffs,
// keyboard shortcuts.
"use strict";

(() => {
  const data = JSON.parse(document.getElementById("draft-data").textContent);
  const tip = document.getElementById("tip");
  const errorBox = document.getElementById("action-error");
  const note = document.getElementById("note");
  let busy = false;
  let hideTimer = null;

  const saved = sessionStorage.getItem("nmo-toast");
  if (saved) { sessionStorage.removeItem("nmo-toast"); nmo.toast(saved); }

  const statusText = (view) => {
    const d = view.draft;
    if (d.status === "approved") return `已通过（${d.draft_id}）。可以导出了。`;
    const last = d.decisions.length ? d.decisions[d.decisions.length - 1].action : "";
    if (d.status === "pending_review" && last === "reject") return `已退回：写作者按意见改出第 ${d.revisions.length} 版，回到待审核。`;
    if (d.status === "pending_review") return `已修改：第 ${d.revisions.length} 版仍有阻断问题，回到待审核。`;
    return `稿件状态：${d.status}`;
  };

  async function act(path, body) {
    if (busy) return;
    busy = true;
    document.querySelectorAll(".actions button, #tip button, .apply").forEach((b) => { b.dataset.wasDisabled = b.disabled; b.disabled = true; });
    if (errorBox) nmo.show(errorBox, "");
    const result = await nmo.api("POST", `/api/drafts/${encodeURIComponent(data.id)}/${path}`,
      Object.assign({ expected_version: data.version }, body));
    busy = false;
    document.querySelectorAll(".actions button, #tip button, .apply").forEach((b) => { b.disabled = b.dataset.wasDisabled === "true"; });
    if (result.ok) {
      sessionStorage.setItem("nmo-toast", statusText(result.data));
      window.location.reload();
      return;
    }
    let message = nmo.errorText(result);
    if (result.status === 409) {
      const current = result.data && result.data.current;
      const status = current ? nmo.statusNames[current.draft.status] || current.draft.status : "";
      message = `冲突：${message}` + (current ? ` 当前状态：${status}，版本 ${current.version}。` : "");
    } else if (result.status === 422 && result.data && result.data.error && result.data.error.type === "GateFailed") {
      if (note) note.focus();
    }
    if (errorBox) nmo.show(errorBox, message); else nmo.toast(message);
  }

  const approve = () => act("approve", { note: note ? note.value : "" });
  const reject = () => {
    if (!note) return;
    if (!note.value.trim()) {
      nmo.show(errorBox, "退回需要写明修改意见（备注）。");
      note.focus();
      return;
    }
    act("reject", { note: note.value });
  };
  const applySuggestion = (index) => act("apply-suggestion", { finding: Number(index) });
  const toggleEdit = () => {
    const panel = document.getElementById("edit-panel");
    if (!panel) return;
    panel.hidden = !panel.hidden;
    if (!panel.hidden) document.getElementById("edit-text").focus();
  };
  const saveEdit = () => {
    const text = document.getElementById("edit-text").value;
    if (!text.trim()) { nmo.show(errorBox, "修改后的正文不能为空。"); return; }
    act("edit", { text, note: note ? note.value : "" });
  };
  const next = () => { window.location.href = data.next ? `/review/${encodeURIComponent(data.next)}` : "/review"; };

  // ---- tooltips on highlighted findings ----
  function showTip(mark) {
    clearTimeout(hideTimer);
    tip.replaceChildren();
    for (const index of mark.dataset.findings.split(" ")) {
      const item = document.getElementById(`finding-${index}`);
      if (!item) continue;
      const box = document.createElement("div");
      box.className = "tip-item";
      const sev = document.createElement("span");
      sev.className = `sev ${Array.from(item.classList).find((c) => c.startsWith("sev-")) || ""}`;
      sev.textContent = item.querySelector(".sev").textContent;
      const message = document.createElement("span");
      message.textContent = item.querySelector(".message").textContent;
      box.append(sev, message);
      const suggestion = item.querySelector(".suggestion q");
      if (suggestion) {
        const line = document.createElement("div");
        line.textContent = `建议：${suggestion.textContent}`;
        box.append(line);
        const apply = item.querySelector("button.apply");
        if (apply) {
          const button = document.createElement("button");
          button.type = "button";
          button.className = "small tip-apply";
          button.textContent = apply.dataset.label;
          button.addEventListener("click", () => applySuggestion(index));
          box.append(button);
        }
      }
      tip.append(box);
      item.classList.add("active");
    }
    const rect = mark.getBoundingClientRect();
    tip.hidden = false;
    tip.style.left = `${Math.max(8, rect.left + window.scrollX)}px`;
    tip.style.top = `${rect.bottom + window.scrollY + 6}px`;
  }
  function hideTip() {
    hideTimer = setTimeout(() => {
      tip.hidden = true;
      document.querySelectorAll(".finding.active").forEach((el) => el.classList.remove("active"));
    }, 250);
  }
  document.querySelectorAll("mark.finding-mark").forEach((mark) => {
    mark.addEventListener("mouseenter", () => showTip(mark));
    mark.addEventListener("focus", () => showTip(mark));
    mark.addEventListener("mouseleave", hideTip);
    mark.addEventListener("blur", (event) => { if (!tip.contains(event.relatedTarget)) hideTip(); });
  });
  tip.addEventListener("mouseenter", () => clearTimeout(hideTimer));
  tip.addEventListener("mouseleave", hideTip);
  tip.addEventListener("focusout", (event) => { if (!tip.contains(event.relatedTarget)) hideTip(); });

  // Clicking a finding in the list points at it in the text.
  document.querySelectorAll(".finding").forEach((item) => {
    item.addEventListener("click", (event) => {
      if (event.target.closest("button")) return;
      const mark = document.querySelector(`mark[data-findings~="${item.dataset.index}"]`);
      if (mark) { mark.scrollIntoView({ block: "center" }); mark.classList.add("flash"); setTimeout(() => mark.classList.remove("flash"), 900); mark.focus(); }
    });
  });
  document.querySelectorAll("button.apply").forEach((b) => b.addEventListener("click", () => applySuggestion(b.dataset.index)));

  // A citation marker opens its passage in the side list.
  document.querySelectorAll("a.cite-ref").forEach((link) => {
    link.addEventListener("click", () => {
      const item = document.querySelector(link.getAttribute("href"));
      const details = item && item.querySelector("details");
      if (details) details.open = true;
    });
  });

  // ---- actions ----
  const bind = (id, handler) => { const el = document.getElementById(id); if (el) el.addEventListener("click", handler); };
  bind("approve", approve);
  bind("reject", reject);
  bind("edit-toggle", toggleEdit);
  bind("edit-save", saveEdit);
  bind("next", next);

  // ---- quick actions: the revision vocabulary as buttons that add a note clause ----
  const addNote = (text) => {
    if (!note) return;
    const current = note.value.trim();
    note.value = current ? `${current.replace(/[；;。，,\s]+$/, "")}；${text}` : text;
    note.focus();
    // A template like 标题改成「」 puts the cursor between its quotes, ready for the words.
    const slot = text.indexOf("「」");
    const at = slot >= 0 ? note.value.length - text.length + slot + 1 : note.value.length;
    note.setSelectionRange(at, at);
  };
  document.querySelectorAll("button.quick-note").forEach((button) => {
    button.addEventListener("click", () => addNote(button.dataset.note));
  });

  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") { tip.hidden = true; return; }
    if (nmo.isTyping(event) || event.ctrlKey || event.metaKey || event.altKey) return;
    const enabled = (id) => { const el = document.getElementById(id); return el && !el.disabled; };
    if (event.key === "a" && enabled("approve")) { event.preventDefault(); approve(); }
    else if (event.key === "r" && enabled("reject")) { event.preventDefault(); reject(); }
    else if (event.key === "e" && enabled("edit-toggle")) { event.preventDefault(); toggleEdit(); }
    else if (event.key === "n") { event.preventDefault(); next(); }
  });

  // ---- revision diff ----
  const from = document.getElementById("diff-from");
  const to = document.getElementById("diff-to");
  async function loadDiff() {
    const result = await nmo.api("GET", `/api/drafts/${encodeURIComponent(data.id)}/diff?from=${from.value}&to=${to.value}`);
    const box = document.getElementById("diff");
    if (!result.ok) { box.textContent = nmo.errorText(result); return; }
    box.replaceChildren(...result.data.map((op) => {
      const el = document.createElement(op.op === "insert" ? "ins" : op.op === "delete" ? "del" : "span");
      el.textContent = op.text;
      return el;
    }));
  }
  if (from && to) { from.addEventListener("change", loadDiff); to.addEventListener("change", loadDiff); }
})();
