/*
 * Runs inside the quiz pages. When framed by embed.js on an allowed site (the server renders that site's
 * origin into data-host, or leaves it empty), it reports the page's height and the person's progress to that
 * origin only: quiz:height {height}, quiz:started, quiz:step {number}, quiz:completed {outcome}. Step ids and
 * totals are not sent (a follow-up step would tell the host page about a positive mood screen), and a crisis
 * result's outcome is withheld (the page marks it data-share-outcome="no").
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var host = script && script.dataset.host;
  if (!host || window.parent === window) return;

  function post(message) {
    window.parent.postMessage(message, host);
  }

  var last = 0;
  function measure() {
    // The root's box is the content's height, even when the frame is taller than the content.
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height !== last) {
      last = height;
      post({ type: "quiz:height", height: height });
    }
  }
  new ResizeObserver(measure).observe(document.documentElement);

  var main = document.querySelector("main");
  var data = main ? main.dataset : {};
  if (data.outcome) {
    post({ type: "quiz:completed", outcome: data.shareOutcome === "no" ? null : data.outcome });
  } else if (data.step) {
    var number = +data.stepNumber || 0;
    if (number === 1) post({ type: "quiz:started" });
    post({ type: "quiz:step", number: number });
  }
})();
