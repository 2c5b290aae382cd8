// The reports page: each [data-series] becomes an ECharts bar or pie chart of its (name, value) points.
(function () {
  "use strict";

  function option(kind, points) {
    if (kind === "pie") {
      return {
        tooltip: { trigger: "item" },
        series: [{ type: "pie", radius: ["35%", "65%"], data: points, label: { formatter: "{b}: {c}" } }],
      };
    }
    return {
      tooltip: { trigger: "axis" },
      grid: { left: 40, right: 10, top: 10, bottom: 60 },
      xAxis: { type: "category", data: points.map(function (p) { return p.name; }), axisLabel: { rotate: 30, interval: 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", data: points.map(function (p) { return p.value; }) }],
    };
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.echarts) {
      return;
    }
    var charts = [];
    document.querySelectorAll(".kesu-chart[data-series]").forEach(function (element) {
      var chart = window.echarts.init(element);
      chart.setOption(option(element.dataset.kind, JSON.parse(element.dataset.series)));
      element.dataset.drawn = "true";
      charts.push(chart);
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (chart) { chart.resize(); });
    });
  });
})();
