// Selecting text in the article's cleaned text fills the passage and its offsets.
// The text is one text node, so the selection's offsets are character offsets in it
// (the server re-checks them and falls back to searching for the passage).
document.addEventListener("DOMContentLoaded", () => {
  const text = document.getElementById("clean-text");
  const passage = document.getElementById("id_passage");
  const start = document.getElementById("id_start");
  const end = document.getElementById("id_end");
  if (!text || !passage) return;
  const capture = () => {
    const selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return;
    const range = selection.getRangeAt(0);
    if (!text.contains(range.startContainer) || !text.contains(range.endContainer)) return;
    const before = document.createRange();
    before.setStart(text, 0);
    before.setEnd(range.startContainer, range.startOffset);
    const from = before.toString().length;
    const quoted = range.toString();
    passage.value = quoted;
    start.value = String(from);
    end.value = String(from + quoted.length);
  };
  text.addEventListener("mouseup", capture);
  text.addEventListener("keyup", capture);
  passage.addEventListener("input", () => { start.value = ""; end.value = ""; });
  const kind = document.getElementById("id_kind");
  const figure = document.getElementById("quote-figure");
  if (kind && figure) {
    const sync = () => { figure.style.display = kind.value === "figure" ? "" : "none"; };
    kind.addEventListener("change", sync);
    sync();
  }
  text.dataset.ready = "true"; // a selection made from now on is captured (tests wait for it)
});
