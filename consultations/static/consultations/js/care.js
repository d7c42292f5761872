// Progressive enhancement for a member's round pages: what she types in a form is kept on
// the server as she types, and when she leaves the page, so it is back in the box when she
// returns. Without JavaScript, each form's "Keep as draft" button does the same. Only the
// forms the server marks with data-draft-key are kept (those of an open round).

const PAUSE = 1500; // milliseconds after she stops typing
const TEXT_FIELDS = new Set(["body", "quote", "reason"]);

function draftData(form, extra = {}) {
  const data = new FormData();
  const value = (name) => form.elements.namedItem(name)?.value ?? "";
  data.append("csrfmiddlewaretoken", value("csrfmiddlewaretoken"));
  data.append("form_key", form.dataset.draftKey);
  // A rating form's reason is kept as the draft's body.
  data.append("body", form.elements.namedItem("body") ? value("body") : value("reason"));
  data.append("quote", value("quote"));
  data.append("form_token", value("form_token"));
  for (const [name, extraValue] of Object.entries(extra)) data.append(name, extraValue);
  return data;
}

function keepDrafts(form) {
  const url = form.dataset.draftsUrl;
  let timer = null;
  let changed = false;
  let sent = false;

  const save = () => {
    clearTimeout(timer);
    timer = null;
    if (!changed || sent) return;
    changed = false;
    fetch(url, {
      method: "POST",
      body: draftData(form),
      credentials: "same-origin",
      keepalive: true,
    }).catch(() => {
      changed = true; // offline for a moment: try again with the next change or on leaving
    });
  };

  form.addEventListener("input", (event) => {
    if (!TEXT_FIELDS.has(event.target.name)) return;
    changed = true;
    clearTimeout(timer);
    timer = setTimeout(save, PAUSE);
  });
  // Sending the form (or keeping or discarding its draft with a button) is handled by the
  // server; a save set off now could bring back a draft of words she has just sent.
  form.addEventListener("submit", () => {
    sent = true;
    clearTimeout(timer);
  });
  window.addEventListener("pagehide", () => {
    if (!changed || sent) return;
    changed = false;
    navigator.sendBeacon(url, draftData(form));
  });
  // Back to a page the browser kept in memory: the form can be sent, and kept, again.
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) sent = false;
  });
}

// A link to a comment or an item that sits inside closed details (a content note she has
// not opened, a reply box) opens them, so she lands where the link points.
function openTarget() {
  let id = "";
  try {
    id = decodeURIComponent(window.location.hash.slice(1));
  } catch {
    return;
  }
  const target = id && document.getElementById(id);
  if (!target) return;
  let opened = false;
  for (let details = target.closest("details"); details; details = details.parentElement?.closest("details")) {
    if (!details.open) {
      details.open = true;
      opened = true;
    }
  }
  if (opened) target.scrollIntoView();
}

for (const form of document.querySelectorAll("form[data-draft-key][data-drafts-url]")) {
  keepDrafts(form);
}
openTarget();
window.addEventListener("hashchange", openTarget);
