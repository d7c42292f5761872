// Progressive enhancement for the round page: she can select the words she means in the
// page and copy them into a comment's quote box with one button. Without JavaScript she
// types or pastes them, and nothing else changes.
import "./care.js"; // kept drafts, and links into closed details

let selected = { text: "", item: null };

function elementOf(node) {
  return node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
}

// Clicking the button can clear the selection in some browsers, so the last selection made
// outside a form is remembered.
document.addEventListener("selectionchange", () => {
  const selection = document.getSelection();
  const text = selection ? selection.toString().replace(/\s+/g, " ").trim() : "";
  if (!text || !selection.anchorNode) return;
  const element = elementOf(selection.anchorNode);
  if (!element || element.closest("form")) return;
  selected = { text, item: element.closest("[data-block-id]") };
});

for (const form of document.querySelectorAll("form[data-use-selection]")) {
  const input = form.querySelector("input[name=quote]");
  if (!input) continue;
  const item = form.closest("[data-block-id]");
  const button = document.createElement("button");
  button.type = "button";
  button.className = "nhsuk-button nhsuk-button--secondary nhsuk-button--small app-use-selection";
  button.textContent = form.dataset.useSelection;
  button.addEventListener("click", () => {
    // A comment on an item quotes that item; a comment on the whole page quotes anything.
    if (selected.text && (!item || selected.item === item)) {
      input.value = selected.text;
    }
    input.focus();
  });
  input.insertAdjacentElement("afterend", button);
}
