// Small behaviours htmx does not cover. Everything is delegated from the
// document, so it keeps working after htmx swaps and boosted navigation.
(function () {
  "use strict";

  function copyText(text, button) {
    var done = function () {
      var label = button.textContent;
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = label; }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () {});
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy], [data-copy-from]");
    if (!button) return;
    var source = button.getAttribute("data-copy-from");
    var from = source && document.getElementById(source);
    var text = from ? (from.value !== undefined ? from.value : from.textContent) : button.getAttribute("data-copy");
    copyText(text, button);
  });

  // Filters apply as soon as they change; the Apply button stays for no-JS use.
  document.addEventListener("change", function (event) {
    var form = event.target.closest("form[data-autosubmit]");
    if (form) form.requestSubmit();
  });

  // ← and → move between images, Escape returns to the order.
  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    var target = event.target;
    if (target.closest("input, textarea, select, [contenteditable]")) return;
    var link = document.querySelector('a[data-key="' + event.key + '"]');
    if (link) {
      event.preventDefault();
      link.click();
    }
  });

  // A network failure never reaches the server, so no error fragment comes
  // back: say so beside the button, which stays as the retry.
  document.addEventListener("htmx:sendError", function (event) {
    var more = event.detail.elt.closest("[data-load-more]");
    if (!more) return;
    var note = more.querySelector(".more-offline");
    if (note) note.hidden = false;
    var idle = more.querySelector(".when-idle");
    if (idle) idle.textContent = "Try again";
  });

  // htmx keeps pages for Back as HTML, which holds what the server rendered,
  // not what was typed or picked since: write the live values into it first.
  document.addEventListener("htmx:beforeHistorySave", function () {
    document.querySelectorAll("form.toolbar input").forEach(function (input) {
      input.setAttribute("value", input.value);
    });
    document.querySelectorAll("form.toolbar option").forEach(function (option) {
      option.toggleAttribute("selected", option.selected);
    });
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var more = event.detail.elt.closest("[data-load-more]");
    var note = more && more.querySelector(".more-offline");
    if (note) note.hidden = true;
  });
})();
