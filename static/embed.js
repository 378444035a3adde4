/*
 * Quiz loader. Paste where the quiz should appear:
 *   <script src="(your quiz address)/embed.js" data-quiz="coaching-fit" async></script>
 * Optional: data-target (element id or CSS selector to fill instead), data-title, data-min-height (px),
 * data-accent (#rgb or #rrggbb), data-font, data-radius (0-24), data-mode (light|dark), data-locale.
 * The frame sizes itself to its content, in fixed steps. The element holding it dispatches bubbling DOM events:
 *   quiz:started, quiz:step {number} (numbered the same for everyone), and quiz:completed. None of them says
 *   anything about the answers or the outcome, so a host page (or its analytics) cannot tell one person's result
 *   from another's.
 * No cookies, no other requests, no dependencies.
 */
(function () {
  "use strict";
  var PASSED = ["accent", "font", "radius", "mode", "locale"];

  function find(selector) {
    try {
      return document.getElementById(selector) || document.querySelector(selector);
    } catch (e) {
      return null; // an invalid selector falls back to the script's own place
    }
  }

  function place(script, box) {
    var target = script.dataset.target && find(script.dataset.target);
    if (target) return target.appendChild(box);
    var parent = script.parentNode;
    if (parent && parent !== document.head) return parent.insertBefore(box, script);
    document.body.appendChild(box);
  }

  function offScreen(el) {
    var top = el.getBoundingClientRect().top;
    return top < 0 || top > window.innerHeight;
  }

  function setup(script) {
    if (script.hasAttribute("data-quiz-loaded")) return;
    script.setAttribute("data-quiz-loaded", "");
    var data = script.dataset;
    var origin = new URL(script.src, location.href).origin;
    var min = Math.max(0, parseInt(data.minHeight, 10) || 0);
    var query = new URLSearchParams({ embed: "1", host: location.origin });
    PASSED.forEach(function (key) {
      if (data[key]) query.set(key, data[key]);
    });

    var box = document.createElement("div");
    box.className = "quiz-embed";
    var frame = document.createElement("iframe");
    frame.setAttribute("loading", "lazy");
    frame.src = origin + "/q/" + encodeURIComponent(data.quiz || "coaching-fit") + "?" + query;
    frame.title = data.title || "Self-assessment";
    frame.style.cssText = "display:block;width:100%;border:0;height:" + Math.max(min, 600) + "px";
    box.appendChild(frame);
    place(script, box);

    var started = false;
    var completed = false;
    function emit(name, detail) {
      box.dispatchEvent(new CustomEvent(name, { bubbles: true, detail: detail }));
    }
    function reveal() {
      if (!offScreen(box)) return;
      var still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
      box.scrollIntoView({ block: "start", behavior: still ? "auto" : "smooth" });
    }

    window.addEventListener("message", function (event) {
      // Only the frame this loader made, served from this loader's own origin, may talk to us.
      if (event.origin !== origin || event.source !== frame.contentWindow) return;
      var msg = event.data || {};
      var quiz = data.quiz || "coaching-fit";
      if (msg.type === "quiz:height" && msg.height > 0 && msg.height < 100000) {
        frame.style.height = Math.max(min, Math.ceil(msg.height)) + "px";
      } else if (msg.type === "quiz:started" && !started) {
        started = true;
        emit("quiz:started", { quiz: quiz });
      } else if (msg.type === "quiz:step") {
        reveal();
        emit("quiz:step", { quiz: quiz, number: +msg.number });
      } else if (msg.type === "quiz:completed") {
        reveal();
        if (!completed) emit("quiz:completed", { quiz: quiz });
        completed = true;
      }
    });
  }

  function run() {
    var current = document.currentScript;
    var scripts = current ? [current] : document.querySelectorAll("script[data-quiz][src]");
    Array.prototype.forEach.call(scripts, function (script) {
      var target = script.dataset.target;
      // A target later in the page may not be parsed yet when this async script runs.
      if (target && !find(target) && document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", function () { setup(script); });
      } else {
        setup(script);
      }
    });
  }

  run();
})();
