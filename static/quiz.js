/* Progressive enhancement for the quiz pages; every page works without it. */
(function () {
  "use strict";
  // Browsers that ignore autofocus on a non-form element still get focus moved to the summary or crisis panel.
  var target = document.querySelector("[autofocus]");
  if (target && document.activeElement !== target) target.focus();
  // Error summary links move focus to the question's first input and bring its legend into view, as GOV.UK does.
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var input = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!input) return;
      event.preventDefault();
      var group = input.closest(".form-group");
      (group || input).scrollIntoView();
      input.focus({ preventScroll: true });
    });
  }
  // Questions added by an answer on the same step: bring the first new one into view.
  var added = document.getElementById("added");
  if (added && !target) added.scrollIntoView();
  // A printed result shows the details too.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details").forEach(function (section) { section.open = true; });
  });
  // One tap selects the whole permalink, so it is easy to copy.
  var permalink = document.getElementById("permalink");
  if (permalink) permalink.addEventListener("focus", function () { permalink.select(); });
}());
