/* 统计分析 charts (ECharts, served from our own static files) over the JSON the page carries,
   the same the API answers: a bar chart of the sub-units (a click drills one level down) or a
   line of months; and the comparison table sorted by a click on its headers. */
(function () {
  "use strict";
  var el = document.getElementById("stats-chart");
  var source = document.getElementById("stats-data");
  if (!el || !source || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var indicator = data.indicator;
  var isRate = indicator.unit === "%";
  var chart = echarts.init(el, null, { renderer: "canvas" });
  var fmt = function (v) {
    if (v === null || v === undefined) return "—";
    return isRate ? (v * 100).toFixed(1) + "%" : Number(v).toLocaleString("zh-CN");
  };
  var grid = { left: 12, right: 16, top: 40, bottom: 8, containLabel: true };

  if (data.rows) {
    var rows = data.rows;
    var links = Array.prototype.map.call(
      document.querySelectorAll("#stats-table tbody tr td:first-child"),
      function (td) { var a = td.querySelector("a"); return a ? a.getAttribute("href") : ""; }
    );
    var names = rows.map(function (r) { return r.org ? r.org.name : "本级"; });
    var series;
    if (indicator.categories.length) {
      series = indicator.categories.map(function (c) {
        return {
          name: c.label, type: "bar", stack: "total",
          data: rows.map(function (r) { return (r.value || {})[c.code] || 0; })
        };
      });
    } else {
      series = [{
        name: indicator.name, type: "bar", itemStyle: { color: "#c8161d" },
        data: rows.map(function (r) { return r.value === null ? 0 : r.value; })
      }];
    }
    chart.setOption({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: fmt },
      legend: indicator.categories.length ? { type: "scroll", top: 4 } : { show: false },
      grid: grid,
      xAxis: { type: "category", data: names, axisLabel: { interval: 0, rotate: names.length > 6 ? 40 : 0 } },
      yAxis: { type: "value", axisLabel: { formatter: fmt } },
      series: series
    });
    chart.on("click", function (params) {
      var href = links[params.dataIndex];
      if (href) window.location.href = href;
    });
  } else if (data.points) {
    chart.setOption({
      tooltip: { trigger: "axis", valueFormatter: fmt },
      grid: grid,
      xAxis: { type: "category", data: data.points.map(function (p) { return p.month; }) },
      yAxis: { type: "value", axisLabel: { formatter: fmt } },
      series: [{
        name: indicator.name, type: indicator.kind === "flow" ? "bar" : "line",
        itemStyle: { color: "#c8161d" },
        data: data.points.map(function (p) { return p.value; })
      }]
    });
  }
  window.addEventListener("resize", function () { chart.resize(); });
  // Marked once drawn (after the animation): the browser tests click on the bars then.
  chart.on("finished", function () { el.setAttribute("data-rendered", "1"); });

  var table = document.getElementById("stats-table");
  if (!table) return;
  table.querySelectorAll("thead th").forEach(function (th, column) {
    var button = th.querySelector("button");
    if (!button) return;
    button.addEventListener("click", function () {
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      table.querySelectorAll("thead th").forEach(function (other) { other.setAttribute("aria-sort", "none"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var numeric = th.getAttribute("data-sort") === "number";
      var body = table.tBodies[0];
      var trs = Array.prototype.slice.call(body.rows);
      trs.sort(function (a, b) {
        var x = a.cells[column].getAttribute("data-value");
        var y = b.cells[column].getAttribute("data-value");
        var d = numeric ? parseFloat(x) - parseFloat(y) : x.localeCompare(y, "zh-CN");
        return ascending ? d : -d;
      });
      trs.forEach(function (tr) { body.appendChild(tr); });
    });
  });
})();
