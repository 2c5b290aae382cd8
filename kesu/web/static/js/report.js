// A report's page: each [data-chart] becomes an ECharts bar chart of its rows (one series per charted
// column); a bar with a link opens the complaint list behind it, as the table's number does.
(function () {
  "use strict";

  function option(chart) {
    var percent = chart.percent ? "{value}%" : "{value}";
    return {
      tooltip: { trigger: "axis" },
      legend: { bottom: 0 },
      grid: { left: 8, right: 8, top: 10, bottom: 40, containLabel: true },
      xAxis: { type: "category", data: chart.categories, axisLabel: { interval: 0, width: 90, overflow: "truncate" } },
      yAxis: { type: "value", minInterval: 1, axisLabel: { formatter: percent } },
      series: chart.series.map(function (series) {
        return { type: "bar", name: series.name, data: series.data };
      }),
    };
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.echarts) {
      return;
    }
    var charts = [];
    document.querySelectorAll(".kesu-chart[data-chart]").forEach(function (element) {
      var data = JSON.parse(element.dataset.chart);
      var chart = window.echarts.init(element);
      chart.setOption(option(data));
      chart.on("click", function (params) {
        var link = data.links[params.dataIndex];
        if (link) {
          window.location.href = link;
        }
      });
      element.dataset.drawn = "true";
      charts.push(chart);
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (chart) { chart.resize(); });
    });
  });
})();
