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
  var MAX_BARS = 30;

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
    if (names.length > MAX_BARS) grid.bottom = 32;
    if (names.length > 6) grid.left = 56;  // the first rotated name reaches left of its bar
    chart.setOption({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: fmt },
      legend: indicator.categories.length ? { type: "scroll", top: 4 } : { show: false },
      grid: grid,
      // A county has a hundred grassroots unions and more: past 30 bars the chart shows 30 at
      // a time with a slider under it, and a long name is cut on the axis (the tooltip and the
      // table give it whole).
      xAxis: {
        type: "category", data: names,
        axisLabel: {
          interval: 0, rotate: names.length > 6 ? 40 : 0,
          formatter: function (name) { return name.length > 10 ? name.slice(0, 9) + "…" : name; }
        }
      },
      yAxis: { type: "value", axisLabel: { formatter: fmt } },
      dataZoom: names.length > MAX_BARS ? [
        { type: "slider", bottom: 4, height: 18, startValue: 0, endValue: MAX_BARS - 1 },
        { type: "inside" }
      ] : [],
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
  drawMap();
  // Marked once drawn (after the animation): the browser tests click on the bars then.
  chart.on("finished", function () { el.setAttribute("data-rendered", "1"); });

  // The map of the comparison (stats/maps.py): the areas coloured by the figure from the
  // offline boundaries of the venue map; a click on an area goes one level down.
  function drawMap() {
    var box = document.getElementById("stats-map");
    var mapSource = document.getElementById("stats-map-data");
    if (!box || !mapSource) return;
    var m = JSON.parse(mapSource.textContent);
    fetch(m.url, { headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) throw new Error(m.url + " " + r.status);
      return r.json();
    }).then(function (geo) {
      if (m.decode && window.SmartunionBoundaries) geo = SmartunionBoundaries.decode(geo);
      echarts.registerMap(m.key, geo);
      var values = m.areas.map(function (a) { return a.value; })
        .filter(function (v) { return v !== null && v !== undefined; });
      var max = values.length ? Math.max.apply(null, values) : 1;
      var min = values.length ? Math.min.apply(null, values) : 0;
      if (max === min) { min = Math.min(0, min); max = max || 1; }
      var hrefs = {};
      m.areas.forEach(function (a) { hrefs[a.name] = a.href; });
      var map = echarts.init(box, null, { renderer: "canvas" });
      var narrow = box.clientWidth < 500;
      // Marked once drawn: the browser tests click on the areas then.
      map.on("finished", function () { box.setAttribute("data-rendered", "1"); });
      map.setOption({
        tooltip: {
          trigger: "item",
          formatter: function (p) {
            var d = p.data;
            return d ? d.label + "：" + d.text : p.name + "：—";
          }
        },
        visualMap: {
          type: "continuous", min: min, max: max, calculable: false,
          left: 8, bottom: 8, itemHeight: narrow ? 90 : 140, text: ["高", "低"],
          formatter: function (v) { return fmt(v); },
          inRange: { color: ["#fde9e4", "#f4a582", "#d6604d", "#b2182b", "#67001f"] }
        },
        series: [{
          type: "map", map: m.key, roam: false, selectedMode: false,
          top: 12, bottom: 12, left: narrow ? 56 : 96, right: 12,
          label: { show: !narrow, fontSize: 10, color: "#333" },
          emphasis: { label: { show: true }, itemStyle: { areaColor: "#ffd166" } },
          itemStyle: { areaColor: "#e5e7eb", borderColor: "#7b8794", borderWidth: 0.8 },
          data: m.areas.map(function (a) {
            return { name: a.name, value: a.value === null ? NaN : a.value, label: a.label, text: a.text };
          })
        }]
      });
      map.on("click", function (p) {
        var href = hrefs[p.name];
        if (href) window.location.href = href;
      });
      window.addEventListener("resize", function () { map.resize(); });
    }).catch(function () { box.hidden = true; });
  }

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
