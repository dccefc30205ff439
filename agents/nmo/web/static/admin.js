// Admin page: save the team's corrections to the brand profile (the same YAML as `nmo brand import`).
"use strict";

(() => {
  const form = document.getElementById("brand-form");
  if (!form) return;
  const text = document.getElementById("brand-yaml");
  const error = document.getElementById("brand-error");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    nmo.show(error, "");
    const result = await nmo.api("PUT", "/api/brand/corrections", text.value, "application/yaml");
    if (!result.ok) {
      nmo.show(error, nmo.errorText(result));
      return;
    }
    window.location.assign("/admin?brand_saved=1#brand-profile");
  });
})();
