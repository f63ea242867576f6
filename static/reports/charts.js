// The report charts' one configuration (Apache ECharts, vendored under static/vendor/echarts).
// Every chart has a title; the legend sits under the title, never over it; every category label
// is shown (interval 0): long lists of branches are drawn as horizontal bars, years are rotated;
// pie labels are written out whole. Series keep the order they are given in (honour levels
// 全国 → 省级 → 市级 → 区县级, as the tables).
window.PortalCharts = (function () {
  "use strict";
  var PALETTE = ["#b71c1c", "#1565c0", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f", "#8d6e63", "#546e7a", "#c2185b", "#9e9d24"];
  var charts = [];

  function init(el) {
    var chart = echarts.init(el, null, {renderer: "canvas"});
    charts.push(chart);
    // The box changes width without a window resize (the side navigation opened or closed,
    // fonts or styles loaded late): follow the box, never overflow the page.
    if (window.ResizeObserver) { new ResizeObserver(function () { chart.resize(); }).observe(el); }
    return chart;
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });

  function title(text, subtext) {
    return {text: text, subtext: subtext || "", left: "center", top: 4, itemGap: 4,
            textStyle: {fontSize: 15, fontWeight: "bold", color: "#333"}, subtextStyle: {color: "#666"}};
  }

  function byId(id) { return typeof id === "string" ? document.getElementById(id) : id; }

  // bar(el, {title, categories, series: [{name, data}], horizontal, stack, unit, valueName, rotate})
  function bar(id, o) {
    var el = byId(id);
    if (!el) { return null; }
    var series = o.series || [];
    var many = series.length > 1;
    if (o.horizontal) {
      // Each category a row of its own: the chart grows with the number of rows.
      el.style.height = Math.max(o.minHeight || 240, 26 * o.categories.length + (many ? (series.length > 5 ? 134 : 110) : 80)) + "px";
    }
    var chart = init(el);
    var category = {type: "category", data: o.categories, inverse: !!o.horizontal,
                    axisTick: {alignWithLabel: true},
                    axisLabel: {interval: 0, rotate: o.horizontal ? 0 : (o.rotate || 0), color: "#333"}};
    var value = {type: "value", minInterval: 1, name: o.valueName || "", nameTextStyle: {color: "#666"},
                 axisLabel: {color: "#333"}};
    chart.setOption({
      color: PALETTE,
      title: title(o.title, o.subtitle),
      tooltip: {trigger: "axis", axisPointer: {type: "shadow"},
                valueFormatter: function (v) { return v + (o.unit || ""); }},
      // A legend of many entries wraps onto a second line (every entry visible), and the plot starts below it.
      legend: many ? {top: o.subtitle ? 48 : 30, left: "center", width: "90%"} : {show: false},
      grid: {top: (many ? (series.length > 5 ? 88 : 64) : 40) + (o.subtitle ? 18 : 0), left: 12,
             right: o.horizontal ? 48 : 24, bottom: 8, containLabel: true},
      xAxis: o.horizontal ? value : category,
      yAxis: o.horizontal ? category : value,
      series: series.map(function (s) {
        return {name: s.name, type: o.line ? "line" : "bar", stack: o.stack && !o.line ? "all" : undefined,
                data: s.data, barMaxWidth: 36,
                label: many && o.stack ? {show: false} : {show: true, position: o.horizontal ? "right" : "top",
                                                           formatter: function (p) { return p.value ? p.value : ""; }}};
      })
    });
    return chart;
  }

  // pie(el, {title, data: [{name, value}], unit}): labels written out whole, with count and share.
  function pie(id, o) {
    var el = byId(id);
    if (!el) { return null; }
    var chart = init(el);
    chart.setOption({
      color: PALETTE,
      title: title(o.title, o.subtitle),
      tooltip: {trigger: "item", formatter: "{b}：{c}" + (o.unit || "") + "（{d}%）"},
      series: [{type: "pie", radius: ["28%", "52%"], center: ["50%", "58%"], avoidLabelOverlap: true,
                minShowLabelAngle: 0,
                label: {formatter: "{b}\n{c}" + (o.unit || "") + "（{d}%）", overflow: "none", color: "#333",
                        lineHeight: 16},
                labelLine: {length: 10, length2: 8},
                data: o.data.filter(function (d) { return d.value > 0; })}]
    });
    return chart;
  }

  // The series of a crosstab (core/crosstab.py): one per column that has a count, in column order.
  function crosstabSeries(table) {
    return table.columns.map(function (name, i) {
      return {name: name, data: table.rows.map(function (r) { return Number(r.values[i]); })};
    }).filter(function (s) { return s.data.some(function (v) { return v; }); });
  }

  function crosstabBar(id, table, o) {
    o = o || {};
    return bar(id, {
      title: o.title || table.title, subtitle: o.subtitle, unit: o.unit || table.unit, valueName: o.valueName,
      categories: table.rows.map(function (r) { return r.label; }),
      series: crosstabSeries(table), horizontal: o.horizontal, stack: o.stack !== false, rotate: o.rotate,
      line: o.line, minHeight: o.minHeight
    });
  }

  // The 合计 row of a crosstab as pie slices (one per column).
  function crosstabPie(id, table, o) {
    o = o || {};
    return pie(id, {title: o.title || table.title, unit: o.unit || table.unit,
                    data: table.columns.map(function (name, i) { return {name: name, value: Number(table.totals[i])}; })});
  }

  function data(id) { return JSON.parse(document.getElementById(id).textContent); }

  return {bar: bar, pie: pie, crosstabBar: crosstabBar, crosstabPie: crosstabPie, data: data};
})();
