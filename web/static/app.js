// minzheng: the little script the pages need. htmx sends the CSRF token
// with every request it makes; nothing else runs here.
document.addEventListener("htmx:configRequest", function (e) {
  var m = document.querySelector('meta[name="csrf-token"]');
  if (m) { e.detail.headers["X-CSRF-Token"] = m.content; }
});

// 统计报表: the two charts, drawn with the vendored ECharts from the figures
// the page carries as JSON (the tables beside them hold the same figures;
// without script or ECharts the charts simply stay hidden). Amounts are in
// 万元, as the report writes them. Tooltips are drawn on the canvas (richText):
// the pages' Content-Security-Policy refuses the inline styles of HTML ones.
document.addEventListener("DOMContentLoaded", function () {
  var blob = document.getElementById("report-chart");
  if (!blob || !window.echarts) { return; }
  var d = JSON.parse(blob.textContent);
  var charts = [];
  var draw = function (id, option) {
    var el = document.getElementById(id);
    if (!el) { return; }
    el.hidden = false;
    var c = window.echarts.init(el);
    c.setOption(option);
    charts.push(c);
  };
  if (d.months.length) {
    draw("chart-trend", {
      title: { text: "各月发放金额和人次", left: "center", textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis", renderMode: "richText" },
      legend: { top: 24, data: ["金额（万元）", "人次"] },
      grid: { top: 64, left: 56, right: 56, bottom: 32 },
      xAxis: { type: "category", data: d.months },
      yAxis: [{ type: "value", name: "万元" }, { type: "value", name: "人次", splitLine: { show: false } }],
      series: [
        { name: "金额（万元）", type: "bar", data: d.amount_wan.map(Number), itemStyle: { color: "#b3261e" } },
        { name: "人次", type: "line", yAxisIndex: 1, data: d.person_times, itemStyle: { color: "#2f6fba" } }
      ]
    });
  }
  if (d.regions.length) {
    var el = document.getElementById("chart-regions");
    if (el) { el.style.height = Math.max(180, 26 * d.regions.length + 70) + "px"; }
    draw("chart-regions", {
      title: { text: "各区划发放金额（万元）", left: "center", textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, renderMode: "richText" },
      grid: { top: 40, left: 8, right: 64, bottom: 24, containLabel: true },
      xAxis: { type: "value", name: "万元" },
      yAxis: { type: "category", data: d.regions.slice().reverse() },
      series: [{ name: "金额（万元）", type: "bar", data: d.region_wan.map(Number).reverse(),
        label: { show: true, position: "right", formatter: function (p) { return p.value.toFixed(2); } }, itemStyle: { color: "#2f6fba" } }]
    });
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  window.addEventListener("beforeprint", function () { charts.forEach(function (c) { c.resize(); }); });
});
