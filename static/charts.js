/*
 * Draws the result's charts from their JSON elements. plotly.js is fetched only when a chart is about to scroll
 * into view, when a closed section holding one opens, or when the browser is idle after the page has loaded, so
 * the words never wait for it. Each chart's box keeps its height before drawing, and a table or sentence beside it
 * carries the same data without JavaScript.
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

  var watcher = "IntersectionObserver" in window ? new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting && shown(entry.target)) draw(entry.target);
    });
  }, { rootMargin: "300px 0px" }) : null;
  boxes.forEach(function (box) {
    if (watcher) watcher.observe(box);
    var closed = box.closest("details");
    if (closed) closed.addEventListener("toggle", function () { if (closed.open) draw(box); });
  });
  window.addEventListener("load", function () {
    var idle = window.requestIdleCallback || function (task) { return setTimeout(task, 200); };
    idle(function () { boxes.filter(shown).forEach(draw); });
  });
}());
