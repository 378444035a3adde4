/*
 * Runs inside the quiz pages. When framed by embed.js on an allowed site (the server renders that site's origin
 * into data-host, or leaves it empty), it tells that origin only what the frame needs, never anything about the
 * answers: quiz:height {height}, rounded up to a whole number of fixed steps so that most pages share a height;
 * quiz:started; quiz:step {number}, once per step and the same numbers for everyone (every step is shown to
 * everyone, and a step shown again, with an error or with questions an answer added, says nothing new); and
 * quiz:completed, with no outcome. It runs as soon as the page's words are parsed, never waiting for charts.
 */
(function () {
  "use strict";
  var STEP = 400; // px: a crisis panel or a follow-up question should not change the height the host sees
  var script = document.currentScript;
  var host = script && script.dataset.host;
  if (!host || window.parent === window) return;

  function post(message) {
    window.parent.postMessage(message, host);
  }

  var last = 0;
  function measure() {
    // The root's box is the content's height, even when the frame is taller than the content.
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height / STEP) * STEP;
    if (height !== last) {
      last = height;
      post({ type: "quiz:height", height: height });
    }
  }
  new ResizeObserver(measure).observe(document.documentElement);

  var main = document.querySelector("main");
  var data = main ? main.dataset : {};
  if (data.outcome) {
    post({ type: "quiz:completed" });
  } else if (data.step && !data.again) {
    var number = +data.stepNumber || 0;
    if (number === 1) post({ type: "quiz:started" });
    post({ type: "quiz:step", number: number });
  }
})();
