// "Copy" buttons: data-copy holds the id of the element whose text is copied.
(function () {
  "use strict";
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var source = document.getElementById(button.getAttribute("data-copy"));
      if (!source || !navigator.clipboard) return;
      navigator.clipboard.writeText(source.textContent.trim()).then(function () {
        button.classList.add("is-copied");
        setTimeout(function () { button.classList.remove("is-copied"); }, 1500);
      });
    });
  });
})();
