/*
 * Draws the result's charts from their JSON elements. Nothing starts before the first paint. Then plotly.js is
 * downloaded into the cache when the browser is idle, and run only when a quarter of a chart is on screen or a
 * closed section holding one opens: running it blocks the page for about a second on a slow phone, which a person
 * reading the words above a chart, or never scrolling to it, should not pay for. Each chart's box keeps its
 * height before drawing, and a table or sentence beside it carries the same data without JavaScript.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var source = script && script.dataset.plotly;
  var boxes = Array.prototype.slice.call(document.querySelectorAll("[data-chart]"));
  if (!source || !boxes.length) return;
  var loading = null;

  function plotly() {
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var tag = document.createElement("script");
        tag.src = source;
        tag.onload = resolve;
        tag.onerror = reject;
        document.head.appendChild(tag);
      });
    }
    return loading;
  }

  function colours(layout, box) {
    // Follow the page's theme (light or dark), which plotly cannot read from CSS itself.
    var style = getComputedStyle(box);
    var ink = style.color;
    var grid = style.getPropertyValue("--border").trim() || ink;
    layout.paper_bgcolor = "rgba(0,0,0,0)";
    layout.plot_bgcolor = "rgba(0,0,0,0)";
    layout.font = Object.assign({}, layout.font, { color: ink });
    ["xaxis", "yaxis"].forEach(function (axis) {
      if (layout[axis]) layout[axis] = Object.assign({ gridcolor: grid, linecolor: grid, zerolinecolor: grid }, layout[axis]);
    });
    (layout.shapes || []).forEach(function (shape) {
      if (shape.type === "line") shape.line = Object.assign({}, shape.line, { color: ink });
    });
  }

  function draw(box) {
    if (box.dataset.drawn) return;
    box.dataset.drawn = "yes";
    plotly().then(function () {
      var figure = JSON.parse(document.getElementById(box.getAttribute("data-chart")).textContent);
      colours(figure.layout, box);
      if (window.matchMedia("(prefers-reduced-motion: reduce)").matches) figure.layout.transition = { duration: 0 };
      window.Plotly.newPlot(box, figure.data, figure.layout, figure.config);
    });
  }

  function shown(box) {
    // Chromium still lays out a closed <details> (content-visibility), so ask the element itself.
    return box.offsetParent !== null && !box.closest("details:not([open])");
  }

  function afterFirstPaint(task) {
    // Watch for charts once the browser reports the words painted; where it cannot say, after the next frame.
    var types = (window.PerformanceObserver && PerformanceObserver.supportedEntryTypes) || [];
    if (types.indexOf("paint") < 0) {
      requestAnimationFrame(function () { setTimeout(task, 0); });
      return;
    }
    new PerformanceObserver(function (list, observer) {
      if (!list.getEntriesByName("first-contentful-paint").length) return;
      observer.disconnect();
      task();
    }).observe({ type: "paint", buffered: true });
  }

  function prefetch() {
    var hint = document.createElement("link");
    hint.rel = "prefetch";
    hint.as = "script";
    hint.href = source;
    document.head.appendChild(hint);
  }

  var watcher = "IntersectionObserver" in window ? new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting && shown(entry.target)) draw(entry.target);
    });
  }, { threshold: 0.25 }) : null;
  boxes.forEach(function (box) {
    var closed = box.closest("details");
    if (closed) closed.addEventListener("toggle", function () { if (closed.open) draw(box); });
  });
  afterFirstPaint(function () {
    if (watcher) boxes.forEach(function (box) { watcher.observe(box); });
    var idle = window.requestIdleCallback || function (task) { return setTimeout(task, 200); };
    // Without IntersectionObserver, draw what is shown once the page is idle.
    var later = function () { idle(watcher ? prefetch : function () { boxes.filter(shown).forEach(draw); }); };
    if (document.readyState === "complete") later();
    else window.addEventListener("load", later);
  });
}());
