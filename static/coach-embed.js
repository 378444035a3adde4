/* The coach's Embed page: Copy buttons for the snippets, falling back to selecting the text to copy by hand. */
(function () {
  "use strict";

  function say(status, text) {
    // Clear first so a second "Copied" is announced again by screen readers.
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 50);
  }

  function selectAndCopy(field, status) {
    field.focus();
    field.select();
    var copied = false;
    try {
      copied = document.execCommand("copy");
    } catch (e) {
      copied = false;
    }
    say(status, copied ? "Copied" : "Selected: press Ctrl+C (or Command+C on a Mac) to copy");
  }

  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    var status = document.getElementById(button.getAttribute("data-status"));
    if (!field || !status) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      // The clipboard API exists only on HTTPS and localhost; elsewhere selecting is the way.
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(function () {
          say(status, "Copied");
        }, function () {
          selectAndCopy(field, status);
        });
      } else {
        selectAndCopy(field, status);
      }
    });
  });
}());
