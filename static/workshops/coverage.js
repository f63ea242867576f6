// The coverage report charts: status per branch (stacked bars) and the yearly target (gauge).
(function () {
  var data = JSON.parse(document.getElementById("coverage-data").textContent);
  var bar = echarts.init(document.getElementById("coverage-bar"));
  bar.setOption({
    title: {text: "各分会劳模工匠之家（按状态）", textStyle: {fontSize: 14}},
    tooltip: {trigger: "axis"},
    legend: {top: 32},
    grid: {top: 96, bottom: 90, left: 40, right: 10},
    xAxis: {type: "category", data: data.branches, axisLabel: {rotate: 45, interval: 0}},
    yAxis: {type: "value", minInterval: 1},
    series: data.series.map(function (s) { return {name: s.name, type: "bar", stack: "status", data: s.data}; })
  });
  var done = data.progress.done, target = data.progress.target;
  var progress = echarts.init(document.getElementById("coverage-progress"));
  progress.setOption({
    title: {text: target ? "年度目标完成情况" : "尚未设定年度目标", textStyle: {fontSize: 14}},
    series: [{type: "gauge", min: 0, max: Math.max(target || 0, done, 1),
              axisLabel: {formatter: function (v) { return Math.round(v); }},
              detail: {formatter: target ? done + " / " + target + " 家" : done + " 家", fontSize: 16},
              data: [{value: done, name: "累计命名"}]}]
  });
  window.addEventListener("resize", function () { bar.resize(); progress.resize(); });
})();
