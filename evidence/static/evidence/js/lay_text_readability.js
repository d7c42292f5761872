// Refreshes the lay text readability panel while the editor types, a moment after they
// stop. Without this script the panel is still complete: it shows the text as last saved.
(() => {
  const DELAY_MS = 800;

  const enhance = (panel) => {
    const form = panel.closest("form");
    if (!form) return;
    let timer;
    let pending;

    const refresh = async () => {
      pending?.abort();
      pending = new AbortController();
      try {
        const response = await fetch(panel.dataset.layTextReadabilityUrl, {
          method: "POST",
          body: new FormData(form), // carries the form's CSRF token
          credentials: "same-origin",
          // Wagtail answers a refused XMLHttpRequest with 403, not a redirect to a page.
          headers: { Accept: "application/json", "X-Requested-With": "XMLHttpRequest" },
          signal: pending.signal,
        });
        if (!response.ok) return;
        const { html } = await response.json();
        // Replace only what changed, so screen readers announce only new scores.
        if (panel.innerHTML.trim() !== html.trim()) panel.innerHTML = html;
      } catch (error) {
        if (error.name !== "AbortError") console.warn("Readability refresh failed", error);
      }
    };

    const schedule = (event) => {
      if (panel.contains(event.target)) return;
      clearTimeout(timer);
      timer = setTimeout(refresh, DELAY_MS);
    };
    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);
  };

  const start = () => document.querySelectorAll("[data-lay-text-readability-url]").forEach(enhance);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
