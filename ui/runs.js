// The runs page: sessions and their background runs, kept live by the
// server's event stream; the reports list below it.
"use strict";
(function () {
  const { h, api, link, enc, badge } = BGR;
  const openLogs = new Set();
  let overview = null;

  function progressBar(run) {
    if (run.status !== "running") return null;
    const p = run.progress;
    if (!p || !p.total) return h("div", { class: "progress indeterminate", title: "working" }, h("div"));
    const share = Math.round((p.done / p.total) * 100);
    return h(
      "div",
      { class: "progress", title: p.done + "/" + p.total + (p.label ? " " + p.label : ""), role: "progressbar", "aria-valuenow": share, "aria-valuemin": 0, "aria-valuemax": 100 },
      h("div", { style: "width:" + share + "%" }),
    );
  }

  async function cancel(id, button) {
    button.disabled = true;
    try {
      await api.post("/api/cancel", { id });
    } catch (error) {
      alert(error.message);
      button.disabled = false;
    }
  }

  function toggleLog(id) {
    if (openLogs.has(id)) openLogs.delete(id);
    else openLogs.add(id);
    renderRuns();
  }

  /** The last text of each open log, drawn at once on a re-render while the new one is fetched. */
  const logTexts = new Map();

  async function fillLog(id) {
    let text;
    try {
      const answer = await api.get("/api/runs/" + enc(id) + "/log");
      text = answer.log || "(empty log)";
    } catch (error) {
      text = error.message;
    }
    logTexts.set(id, text);
    const target = [...document.querySelectorAll("pre.log")].find((pre) => pre.dataset.id === id);
    if (!target || target.textContent === text) return;
    target.textContent = text;
    target.scrollTop = target.scrollHeight;
  }

  function runRow(run) {
    const rows = [
      h(
        "tr",
        { class: "run " + run.status, dataset: { id: run.id } },
        h("td", {}, badge(run.status)),
        h("td", { class: "mono" }, run.id),
        h("td", {}, run.task),
        h("td", {}, run.kind),
        h("td", { class: "elapsed", dataset: { started: run.started, ended: run.ended || "" } }, BGR.elapsed(run.started, run.ended)),
        h("td", {}, progressBar(run)),
        h("td", {}, run.result_location ? link("#/report/" + enc(run.result_location), "report") : h("span", { class: "muted" }, "–")),
        h(
          "td",
          { class: "actions" },
          BGR.live ? h("button", { type: "button", onclick: () => toggleLog(run.id) }, openLogs.has(run.id) ? "hide log" : "log") : null,
          BGR.live && run.status === "running" ? h("button", { type: "button", class: "danger", onclick: (e) => cancel(run.id, e.currentTarget) }, "cancel") : null,
        ),
      ),
    ];
    if (run.error) rows.push(h("tr", { class: "sub" }, h("td", { colspan: 8, class: "error-text" }, run.error)));
    if (openLogs.has(run.id)) {
      rows.push(h("tr", { class: "sub" }, h("td", { colspan: 8 }, h("pre", { class: "log", dataset: { id: run.id } }, logTexts.get(run.id) ?? "…"))));
      void fillLog(run.id);
    }
    return rows;
  }

  function sessionTable(group) {
    return h(
      "section",
      { class: "session" },
      h("h2", {}, group.session ? "Session " : "Runs without a session", group.session ? h("code", {}, group.session) : null),
      h(
        "table",
        { class: "runs" },
        h("thead", {}, h("tr", {}, ["status", "id", "task", "kind", "elapsed", "progress", "report", ""].map((t) => h("th", {}, t)))),
        h("tbody", {}, group.runs.map(runRow)),
      ),
    );
  }

  async function ack(report, status, button) {
    button.disabled = true;
    try {
      await api.post("/api/ack", { report: report.path, status });
      await BGR.route();
    } catch (error) {
      alert(error.message);
      button.disabled = false;
    }
  }

  function reportsTable(reports) {
    if (reports.length === 0) return h("p", { class: "muted" }, "No reports yet.");
    return h(
      "table",
      { class: "reports" },
      h("thead", {}, h("tr", {}, ["report", "status", "created", ""].map((t) => h("th", {}, t)))),
      h(
        "tbody",
        {},
        reports.map((r) =>
          h(
            "tr",
            {},
            h("td", {}, link("#/report/" + enc(r.path), r.title || r.path), r.partial ? badge("partial", "failed") : null),
            h("td", {}, badge(r.status || "invalid", r.status === "processed" ? "completed" : "unprocessed")),
            h("td", { class: "mono" }, r.created || ""),
            h(
              "td",
              { class: "actions" },
              BGR.live && r.status
                ? h("button", { type: "button", onclick: (e) => ack(r, r.status === "processed" ? "unprocessed" : "processed", e.currentTarget) }, r.status === "processed" ? "reopen" : "ack")
                : null,
            ),
          ),
        ),
      ),
    );
  }

  function renderRuns() {
    if (!overview || BGR.currentView !== "runs") return;
    const sessions = overview.sessions.length
      ? overview.sessions.map(sessionTable)
      : [h("p", { class: "muted" }, "No runs yet: start one with bgr spawn or bgr run.")];
    BGR.update(
      h("h1", {}, "Runs ", h("span", { class: "muted small" }, overview.workspace)),
      sessions,
      h("h1", {}, "Reports"),
      reportsTable(overview.reports),
    );
  }

  /** A fresh list of runs from the event stream: regroup, keep the rest. */
  BGR.onRuns = function onRuns(runs) {
    if (!overview) return;
    const groups = new Map();
    for (const run of runs) {
      const list = groups.get(run.session) || [];
      list.push(run);
      groups.set(run.session, list);
    }
    overview.sessions = [...groups.entries()].map(([session, list]) => ({ session, runs: list }));
    renderRuns();
  };

  BGR.views.runs = async function () {
    overview = await api.get("/api/overview");
    renderRuns();
  };

  // Elapsed times tick without asking the server.
  setInterval(() => {
    for (const cell of document.querySelectorAll("td.elapsed")) cell.textContent = BGR.elapsed(cell.dataset.started, cell.dataset.ended || null);
  }, 1000);
})();
