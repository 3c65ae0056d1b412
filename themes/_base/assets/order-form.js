// The new-order form: shows the fields of the chosen service's type (the others are hidden and
// disabled, so they are not sent) and the live price: rate per 1000 × units, rounded half-up to the
// micro-unit, then up to a whole minor unit of the currency (1 franc, 1 cent), computed with integers
// (BigInt) like the server and shown by Intl in the page's language. The server recomputes the real charge.
(function () {
  "use strict";
  var form = document.getElementById("order-form");
  if (!form) return;
  var select = form.querySelector("select[name=service]");
  var total = document.getElementById("order-total");
  var switchable = form.querySelectorAll("[data-types]");
  var limitHints = form.querySelectorAll("[data-limits-hint]");
  var currency = form.getAttribute("data-currency") || "";
  var lang = form.getAttribute("data-lang") === "en" ? "en" : "fr";
  var unlimitedPosts = Number(form.getAttribute("data-unlimited-posts")) || 30;
  var locale = lang === "en" ? "en-US" : "fr-FR";
  var grouping = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  var priceFormat = /^[A-Z]{3}$/.test(currency) ? new Intl.NumberFormat(locale, { style: "currency", currency: currency }) : null;
  var MICRO = 1000000n;
  // ISO 4217 decimals (XOF 0, EUR 2), as Intl knows them: the same as the server's table for its currencies.
  var decimals = priceFormat ? priceFormat.resolvedOptions().maximumFractionDigits : 2;
  var MINOR = 10n ** BigInt(6 - decimals);
  var LISTS = { "Custom Comments": "comments", "Mentions Custom List": "usernames" };

  function field(name) {
    return form.elements.namedItem(name);
  }

  // A whole number as people type it: "10 000" (space, no-break or narrow no-break space) or "10000".
  function whole(text) {
    var s = String(text || "")
      .trim()
      .replace(/^(\d{1,3})((?:[ \u00a0\u202f\u2009]\d{3})+)$/, function (_m, head, rest) {
        return head + rest.replace(/[ \u00a0\u202f\u2009]/g, "");
      });
    return /^\d{1,15}$/.test(s) ? Number(s) : null;
  }

  function lineCount(text) {
    return String(text || "")
      .split("\n")
      .filter(function (l) {
        return l.trim() !== "";
      }).length;
  }

  function toMicro(text) {
    var m = /^(\d{1,12})(?:\.(\d{1,6}))?$/.exec(text || "");
    if (!m) return null;
    return BigInt(m[1]) * MICRO + BigInt((m[2] || "").padEnd(6, "0"));
  }

  function roundUpToMinor(micro) {
    return ((micro + MINOR - 1n) / MINOR) * MINOR;
  }

  function money(micro) {
    var text = (micro / MICRO).toString() + "." + (micro % MICRO).toString().padStart(6, "0");
    return priceFormat ? priceFormat.format(text) : text + " " + currency;
  }

  function fill(template, min, max) {
    return template.replace("{min}", grouping.format(min)).replace("{max}", grouping.format(max));
  }

  // Shows what the type asks for; a hidden field is disabled too, so the browser does not send it.
  function showFieldsOf(option) {
    // Before a choice, what most services ask for: a link and a quantity.
    var type = option && option.value ? option.getAttribute("data-type") : "Default";
    var dripfeed = option ? option.getAttribute("data-dripfeed") === "1" : false;
    switchable.forEach(function (el) {
      var types = (el.getAttribute("data-types") || "").split("|");
      var shown = types.indexOf(type) !== -1 && (!el.hasAttribute("data-dripfeed-only") || dripfeed);
      el.hidden = !shown;
      if (el.tagName === "FIELDSET") el.disabled = !shown;
      else
        el.querySelectorAll("input, textarea, select").forEach(function (control) {
          control.disabled = !shown;
        });
    });
  }

  // Units the order is charged for, as the server counts them; null while the form cannot say.
  function units(type, option) {
    if (type === "Package") return 1n;
    if (LISTS[type]) {
      var n = lineCount(field(LISTS[type]).value);
      return n > 0 ? BigInt(n) : null;
    }
    if (type === "Subscriptions") {
      var max = whole(field("max").value);
      var posts = whole(field("posts").value) || unlimitedPosts;
      var old = whole(field("old_posts").value) || 0;
      return max ? BigInt(max) * BigInt(posts + old) : null;
    }
    var qty = whole(field("quantity").value);
    if (!qty) return null;
    var runs = option.getAttribute("data-dripfeed") === "1" ? whole(field("runs").value) : null;
    return BigInt(qty) * BigInt(runs && runs > 1 ? runs : 1);
  }

  function update() {
    var option = select.options[select.selectedIndex];
    var rate = option ? toMicro(option.getAttribute("data-rate")) : null;
    if (!option || rate === null) {
      showFieldsOf(null);
      total.textContent = form.getAttribute("data-empty") || "—";
      return;
    }
    var type = option.getAttribute("data-type") || "Default";
    showFieldsOf(option);
    var limits = fill(form.getAttribute("data-limits") || "", Number(option.getAttribute("data-min")), Number(option.getAttribute("data-max")));
    limitHints.forEach(function (hint) {
      hint.textContent = limits;
    });
    var n = units(type, option);
    if (n === null) {
      total.textContent = form.getAttribute("data-empty") || "—";
      return;
    }
    // Half-up rounding of rate × units / 1000 (the flat rate for a package), as the server's mulDiv does,
    // then up to the minor unit like every charge.
    total.textContent = money(roundUpToMinor(type === "Package" ? rate : (rate * n * 2n + 1000n) / 2000n));
  }

  form.addEventListener("input", update);
  form.addEventListener("change", update);
  update();
})();
