// Collapsible main menu on small screens; without this script the menu simply stays open.
// The account menu is a <details>: this closes it on a click elsewhere or Escape.
(function () {
  "use strict";
  var accountMenu = document.querySelector(".user-menu");
  if (accountMenu) {
    document.addEventListener("click", function (e) {
      if (accountMenu.open && !accountMenu.contains(e.target)) accountMenu.open = false;
    });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && accountMenu.open) {
        accountMenu.open = false;
        accountMenu.querySelector("summary").focus();
      }
    });
  }
  // On a phone the account menu and the admin console's sections are one row that scrolls sideways:
  // bring the current page's entry into view.
  document.querySelectorAll(".account-nav ul [aria-current='page'], .admin-nav ul [aria-current='page']").forEach(function (current) {
    var row = current.closest("ul");
    var at = current.getBoundingClientRect();
    var box = row.getBoundingClientRect();
    if (row.scrollWidth > row.clientWidth) row.scrollLeft += at.left - box.left - (row.clientWidth - at.width) / 2;
  });
  var toggle = document.querySelector(".menu-toggle");
  var panel = document.getElementById("site-menu");
  if (!toggle || !panel) return;
  document.documentElement.classList.add("js-menu");
  toggle.hidden = false;
  function setOpen(open) {
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    panel.classList.toggle("is-open", open);
  }
  toggle.addEventListener("click", function () {
    setOpen(toggle.getAttribute("aria-expanded") !== "true");
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
      setOpen(false);
      toggle.focus();
    }
  });
})();
