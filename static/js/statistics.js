// cpaudit: the charts of the statistics page (templates/reporting/statistics.html), drawn
// with the vendored Chart.js from the figures the page passes in #statistics-charts.
// Every label comes translated from the server; every chart has its data table beside it,
// so the page says the same without this script.

(function () {
  "use strict";

  var source = document.getElementById("statistics-charts");
  if (!source || typeof window.Chart === "undefined") {
    return;
  }
  var palette = ["#198754", "#dc3545", "#6c757d", "#0d6efd", "#fd7e14", "#6f42c1"];
  var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  JSON.parse(source.textContent).forEach(function (spec) {
    var canvas = document.getElementById(spec.id);
    if (!canvas) {
      return;
    }
    var datasets = spec.datasets.map(function (dataset, index) {
      var colour = palette[index % palette.length];
      return {label: dataset.label, data: dataset.data, backgroundColor: colour,
              borderColor: colour};
    });
    // The value axis says what it counts, with its unit.
    var valueAxis = spec.horizontal ? "x" : "y";
    var scales = {
      x: {beginAtZero: true, ticks: spec.horizontal ? {precision: 0} : {}},
      y: {beginAtZero: true, ticks: spec.horizontal ? {} : {precision: 0}}
    };
    if (spec.value_title) {
      scales[valueAxis].title = {display: true, text: spec.value_title};
    }
    new window.Chart(canvas, {
      type: "bar",
      data: {labels: spec.labels, datasets: datasets},
      options: {
        responsive: true,
        animation: still ? false : undefined,
        indexAxis: spec.horizontal ? "y" : "x",
        plugins: {legend: {display: datasets.length > 1}},
        // Counts and percentages: whole-number ticks on the value axis.
        scales: scales
      }
    });
  });
})();
