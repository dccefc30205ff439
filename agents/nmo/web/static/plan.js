// Plan page: draft one plan item, then follow its run on the operator page.
"use strict";

document.querySelectorAll("button.draft-item").forEach((button) => {
  button.addEventListener("click", async () => {
    button.disabled = true;
    const result = await nmo.api("POST", "/api/requests", { kind: "draft", plan_items: [button.dataset.item] });
    if (!result.ok) { button.disabled = false; nmo.toast(nmo.errorText(result)); return; }
    window.location.href = `/operate?follow=${encodeURIComponent(result.data.request_id)}`;
  });
});
