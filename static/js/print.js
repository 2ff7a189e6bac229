// Shows the Print button (hidden without JavaScript; the browser's own print works either way).
document.querySelectorAll(".js-print").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
