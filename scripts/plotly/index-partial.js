'use strict';

// Partial plotly.js bundle: core + bar + scatter only.
// Modelled on plotly.js's own lib/index-basic.js (which adds pie and
// calendars on top of core). lib/core.js already registers scatter and all
// components we use (shapes, annotations, legend, errorbars, fx, modebar);
// scatter is required again here only to make the dependency explicit.
var Plotly = require('plotly.js/lib/core');

Plotly.register([
    // traces
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/scatter')
]);

module.exports = Plotly;
