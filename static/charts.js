/* Draws the result charts from their JSON elements; the tables beside them carry the same data without it. */
(function () {
  "use strict";
  if (!window.Plotly) return;
  var reduce = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  document.querySelectorAll("[data-chart]").forEach(function (target) {
    var source = document.getElementById(target.getAttribute("data-chart"));
    if (!source) return;
    var figure = JSON.parse(source.textContent);
    if (reduce) figure.layout.transition = { duration: 0 };
    window.Plotly.newPlot(target, figure.data, figure.layout, figure.config);
  });
}());
