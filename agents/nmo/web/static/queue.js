// Review queue: j/k to move, Enter to open.
"use strict";

(() => {
  const rows = Array.from(document.querySelectorAll("#queue tbody tr[data-href]"));
  if (!rows.length) return;
  let current = 0;
  const select = (index) => {
    rows[current].classList.remove("selected");
    current = Math.max(0, Math.min(rows.length - 1, index));
    rows[current].classList.add("selected");
    rows[current].focus();
  };
  rows.forEach((row, index) => {
    row.addEventListener("click", (event) => {
      if (event.target.tagName !== "A") window.location.href = row.dataset.href;
    });
    row.addEventListener("focus", () => { rows[current].classList.remove("selected"); current = index; row.classList.add("selected"); });
  });
  rows[0].classList.add("selected");
  document.addEventListener("keydown", (event) => {
    if (nmo.isTyping(event) || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "j" || event.key === "ArrowDown") { event.preventDefault(); select(current + 1); }
    else if (event.key === "k" || event.key === "ArrowUp") { event.preventDefault(); select(current - 1); }
    else if (event.key === "Enter") { window.location.href = rows[current].dataset.href; }
  });
})();
