// The claim form: the figure fields are shown only while the claim's kind is "figure".
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const kind = document.getElementById("id_kind");
  const figure = document.querySelector("fieldset.figure-fields");
  if (!kind || !figure) {
    return;
  }
  const sync = () => {
    figure.style.display = kind.value === "figure" ? "" : "none";
  };
  kind.addEventListener("change", sync);
  sync();
});
