/* Draws the dashboard's charts from their JSON elements, in the page's own text colour (light or dark);
   the tables beside them carry the same numbers without JavaScript. */
(function () {
  "use strict";
  if (!window.Plotly) return;
  var reduce = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  document.querySelectorAll("[data-chart]").forEach(function (target) {
    var source = document.getElementById(target.getAttribute("data-chart"));
    if (!source) return;
    var figure = JSON.parse(source.textContent);
    var ink = window.getComputedStyle(target).color;
    figure.layout.font = Object.assign({}, figure.layout.font, { color: ink });
    if (reduce) figure.layout.transition = { duration: 0 };
    window.Plotly.newPlot(target, figure.data, figure.layout, figure.config);
  });
}());
