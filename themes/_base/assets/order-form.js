// Live price of the new-order form: rate per 1000 × quantity, rounded half-up to the micro-unit, then
// up to a whole minor unit of the currency (1 franc, 1 cent), computed with integers (BigInt) like the
// server and shown by Intl in the page's language. The server recomputes the real charge.
(function () {
  "use strict";
  var form = document.getElementById("order-form");
  if (!form) return;
  var select = form.querySelector("select[name=service]");
  var quantity = form.querySelector("input[name=quantity]");
  var runs = form.querySelector("input[name=runs]");
  var comments = form.querySelector("textarea[name=comments]");
  var total = document.getElementById("order-total");
  var hint = document.getElementById("f-quantity-hint");
  var commentsBox = form.querySelector("[data-order-comments]");
  var dripBox = form.querySelector("[data-order-dripfeed]");
  var currency = form.getAttribute("data-currency") || "";
  var lang = form.getAttribute("data-lang") === "en" ? "en" : "fr";
  var locale = lang === "en" ? "en-US" : "fr-FR";
  var grouping = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  var priceFormat = /^[A-Z]{3}$/.test(currency) ? new Intl.NumberFormat(locale, { style: "currency", currency: currency }) : null;
  var MICRO = 1000000n;
  // ISO 4217 decimals (XOF 0, EUR 2), as Intl knows them: the same as the server's table for its currencies.
  var decimals = priceFormat ? priceFormat.resolvedOptions().maximumFractionDigits : 2;
  var MINOR = 10n ** BigInt(6 - decimals);

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

  function update() {
    var option = select.options[select.selectedIndex];
    var rate = option ? toMicro(option.getAttribute("data-rate")) : null;
    if (!option || rate === null) {
      total.textContent = form.getAttribute("data-empty") || "—";
      return;
    }
    var type = option.getAttribute("data-type") || "Default";
    var min = Number(option.getAttribute("data-min"));
    var max = Number(option.getAttribute("data-max"));
    var isComments = /comment/i.test(type) && !/like/i.test(type);
    var isPackage = type === "Package";
    commentsBox.hidden = !isComments;
    dripBox.hidden = option.getAttribute("data-dripfeed") !== "1";
    quantity.readOnly = isComments;
    quantity.min = String(min);
    quantity.max = String(max);
    if (hint) hint.textContent = fill(form.getAttribute("data-limits") || "", min, max);
    if (isComments) {
      quantity.value = String(comments.value.split("\n").filter(function (l) { return l.trim() !== ""; }).length);
    }
    var qty = Number(quantity.value);
    if (isPackage) {
      total.textContent = money(roundUpToMinor(rate));
      return;
    }
    if (!Number.isInteger(qty) || qty <= 0) {
      total.textContent = form.getAttribute("data-empty") || "—";
      return;
    }
    var times = dripBox.hidden ? 1 : Math.max(1, Number(runs && runs.value) || 1);
    var units = BigInt(qty) * BigInt(times);
    // Half-up rounding of rate × units / 1000, as the server's mulDiv does, then up to the minor unit.
    var charge = roundUpToMinor((rate * units * 2n + 1000n) / 2000n);
    total.textContent = money(charge);
  }

  [select, quantity, runs, comments].forEach(function (el) {
    if (el) {
      el.addEventListener("input", update);
      el.addEventListener("change", update);
    }
  });
  update();
})();
