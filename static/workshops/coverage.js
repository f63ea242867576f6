// The coverage report charts: status per branch (stacked bars) and the yearly target (gauge).
(function () {
  var data = JSON.parse(document.getElementById("coverage-data").textContent);
  var bar = echarts.init(document.getElementById("coverage-bar"));
  bar.setOption({
    title: {text: "各分会劳模工匠之家（按状态）", left: "center", top: 4, textStyle: {fontSize: 15}},
    tooltip: {trigger: "axis"},
    legend: {top: 36, left: "center", width: "92%"},
    grid: {top: 96, bottom: 8, left: 12, right: 12, containLabel: true},
    xAxis: {type: "category", data: data.branches, axisLabel: {rotate: 45, interval: 0}},
    yAxis: {type: "value", minInterval: 1, name: "家数"},
    series: data.series.map(function (s) { return {name: s.name, type: "bar", stack: "status", data: s.data}; })
  });
  var done = data.progress.done, target = data.progress.target;
  var progress = echarts.init(document.getElementById("coverage-progress"));
  progress.setOption({
    title: {text: target ? "年度目标完成情况" : "尚未设定年度目标", left: "center", textStyle: {fontSize: 15}},
    series: [{type: "gauge", min: 0, max: Math.max(target || 0, done, 1),
              axisLabel: {formatter: function (v) { return Math.round(v); }},
              detail: {formatter: target ? done + " / " + target + " 家" : done + " 家", fontSize: 16},
              data: [{value: done, name: "累计命名"}]}]
  });
  window.addEventListener("resize", function () { bar.resize(); progress.resize(); });
  // The side navigation opens and closes without a window resize: follow the boxes.
  if (window.ResizeObserver) {
    new ResizeObserver(function () { bar.resize(); }).observe(document.getElementById("coverage-bar"));
    new ResizeObserver(function () { progress.resize(); }).observe(document.getElementById("coverage-progress"));
  }
})();
