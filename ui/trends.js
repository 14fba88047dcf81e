// Trends: findings by severity and line coverage over the reports kept in
// .agents/, as uPlot charts.
"use strict";
(function () {
  const { h, api } = BGR;
  const COLORS = { High: "#d1242f", Medium: "#d4a72c", Low: "#3b82f6", Info: "#8b949e" };

  /** One report is a point, not a range: give the time axis a day around it. */
  function timeScale(xs) {
    if (xs.length > 1) return {};
    return { x: { time: true, range: [xs[0] - 43200, xs[0] + 43200] } };
  }

  function chart(title, series, xs, ys, options) {
    const box = h("div", { class: "chart" });
    options = Object.assign({}, options || {});
    options.scales = Object.assign(timeScale(xs), options.scales || {});
    const width = () => Math.max(320, Math.min(1100, (document.getElementById("app").clientWidth || 900) - 20));
    requestAnimationFrame(() => {
      new uPlot(
        Object.assign(
          {
            title,
            width: width(),
            height: 260,
            series: [{}].concat(series),
            axes: [{ stroke: "#8b949e", grid: { stroke: "#30363d" } }, { stroke: "#8b949e", grid: { stroke: "#30363d" } }],
          },
          options || {},
        ),
        [xs].concat(ys),
        box,
      );
    });
    return box;
  }

  BGR.views.trends = async function () {
    const points = await api.get("/api/trends");
    const findingRuns = points.filter((p) => p.kind !== "coverage-analysis");
    const coverageRuns = points.filter((p) => typeof p.coverage === "number");
    const parts = [h("h1", {}, "Trends")];
    if (findingRuns.length === 0 && coverageRuns.length === 0) {
      parts.push(h("p", { class: "muted" }, "No finished runs with a report yet."));
      return BGR.show(parts);
    }
    if (findingRuns.length) {
      const xs = findingRuns.map((p) => Date.parse(p.created) / 1000);
      parts.push(
        chart(
          "Findings by severity (audits and reviews)",
          Object.keys(COLORS).map((s) => ({ label: s, stroke: COLORS[s], width: 2, points: { show: true } })),
          xs,
          Object.keys(COLORS).map((s) => findingRuns.map((p) => p.severities[s] || 0)),
        ),
      );
    } else parts.push(h("p", { class: "muted" }, "No audit or review reports yet."));
    if (coverageRuns.length) {
      parts.push(
        chart(
          "Line coverage (%)",
          [{ label: "lines", stroke: "#2da44e", width: 2, points: { show: true } }],
          coverageRuns.map((p) => Date.parse(p.created) / 1000),
          [coverageRuns.map((p) => p.coverage)],
          { scales: { y: { range: [0, 100] } } },
        ),
      );
    } else parts.push(h("p", { class: "muted" }, "No coverage reports yet."));
    parts.push(h("p", { class: "muted small" }, points.length + " reports"));
    BGR.show(parts);
  };
})();
