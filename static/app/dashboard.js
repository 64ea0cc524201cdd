/* Draws the progress dashboard's charts with the vendored ECharts.
 * Each element marked data-chart names, in data-source, a json_script element holding
 * {title, x, y, categories, values}; no inline script is needed. */
(function () {
  "use strict";

  function draw(element) {
    var source = document.getElementById(element.dataset.source);
    if (!source || typeof echarts === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var chart = echarts.init(element, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      aria: { enabled: true },
      title: { text: data.title, left: "center", textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis" },
      grid: { left: 48, right: 24, top: 48, bottom: 48 },
      xAxis: { type: "category", data: data.categories, name: data.x, nameLocation: "middle", nameGap: 28 },
      yAxis: { type: "value", name: data.y, minInterval: 1 },
      series: [{ type: "bar", data: data.values, label: { show: true, position: "top" } }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
    element.dataset.drawn = "true";
  }

  document.querySelectorAll("[data-chart]").forEach(draw);
}());
