// The coverage page: a treemap of the scope (area = lines, colour =
// coverage), the per-file table (sortable, filterable), the risk ranking, and
// a file view with the uncovered lines marked. The treemap is drawn on a
// canvas so 20k files stay one element, not 20k.
"use strict";
(function () {
  const { h, api, enc, pct } = BGR;
  const METRICS = ["lines", "statements", "branches", "functions"];
  const TABLE_ROWS = 300;

  function parseRanges(text) {
    const lines = new Set();
    for (const part of String(text || "").split(/,\s*/)) {
      const match = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
      if (!match) continue;
      const a = Number(match[1]);
      const b = match[2] ? Number(match[2]) : a;
      for (let l = a; l <= b && l - a < 100000; l++) lines.add(l);
    }
    return lines;
  }

  function sizeOf(row) {
    const m = row.lines || row.statements;
    return m && m.total > 0 ? m.total : 1;
  }

  function pctOf(row) {
    const m = row.lines || row.statements;
    return m ? m.pct : undefined;
  }

  /** Folders as inner nodes, files as leaves, for d3.hierarchy. */
  function tree(rows) {
    const root = { name: "", children: new Map() };
    for (const row of rows) {
      const parts = row.file.split("/");
      let node = root;
      for (const part of parts.slice(0, -1)) {
        if (!node.children.has(part)) node.children.set(part, { name: part, children: new Map() });
        node = node.children.get(part);
      }
      node.children.set(parts[parts.length - 1] + "\u0000", { name: parts[parts.length - 1], row });
    }
    const plain = (node) => (node.row ? { name: node.name, row: node.row } : { name: node.name, children: [...node.children.values()].map(plain) });
    return plain(root);
  }

  function treemap(rows, onpick) {
    const canvas = h("canvas", { class: "treemap", role: "img", "aria-label": "coverage treemap: area is lines, colour is line coverage" });
    const tip = h("div", { class: "tip", hidden: true });
    const wrap = h("div", { class: "treemap-wrap" }, canvas, tip);
    let leaves = [];

    function draw() {
      const width = Math.max(300, wrap.clientWidth || 900);
      const height = Math.round(Math.min(560, Math.max(260, width * 0.5)));
      const ratio = window.devicePixelRatio || 1;
      canvas.width = width * ratio;
      canvas.height = height * ratio;
      canvas.style.width = width + "px";
      canvas.style.height = height + "px";
      const root = d3.hierarchy(tree(rows)).sum((d) => (d.row ? sizeOf(d.row) : 0)).sort((a, b) => b.value - a.value);
      d3.treemap().size([width, height]).paddingInner(1).paddingTop((d) => (d.depth > 0 && d.children ? 12 : 0)).round(true)(root);
      const ctx = canvas.getContext("2d");
      ctx.scale(ratio, ratio);
      ctx.fillStyle = "#1f2328";
      ctx.fillRect(0, 0, width, height);
      leaves = root.leaves();
      for (const leaf of leaves) {
        ctx.fillStyle = BGR.coverageColor(pctOf(leaf.data.row));
        ctx.fillRect(leaf.x0, leaf.y0, Math.max(0, leaf.x1 - leaf.x0), Math.max(0, leaf.y1 - leaf.y0));
      }
      ctx.font = "11px system-ui, sans-serif";
      ctx.textBaseline = "top";
      for (const node of root.descendants()) {
        if (node.depth === 0 || !node.children || node.x1 - node.x0 < 40) continue;
        ctx.fillStyle = "#e6edf3";
        ctx.fillText(node.data.name + "/", node.x0 + 2, node.y0 + 1, node.x1 - node.x0 - 4);
      }
      for (const leaf of leaves) {
        if (leaf.x1 - leaf.x0 < 60 || leaf.y1 - leaf.y0 < 14) continue;
        ctx.fillStyle = "#fff";
        ctx.fillText(leaf.data.name, leaf.x0 + 3, leaf.y0 + 2, leaf.x1 - leaf.x0 - 6);
      }
      canvas.dataset.leaves = String(leaves.length);
    }

    function at(event) {
      const box = canvas.getBoundingClientRect();
      const x = event.clientX - box.left;
      const y = event.clientY - box.top;
      return leaves.find((l) => x >= l.x0 && x < l.x1 && y >= l.y0 && y < l.y1);
    }

    canvas.addEventListener("mousemove", (event) => {
      const leaf = at(event);
      if (!leaf) return void (tip.hidden = true);
      const row = leaf.data.row;
      const m = row.lines || row.statements || {};
      tip.textContent = row.file + " — " + pct(m.pct) + " (" + (m.covered ?? "?") + "/" + (m.total ?? "?") + " lines)";
      tip.hidden = false;
      tip.style.left = Math.min(event.offsetX + 12, (wrap.clientWidth || 600) - 260) + "px";
      tip.style.top = event.offsetY + 12 + "px";
    });
    canvas.addEventListener("mouseleave", () => (tip.hidden = true));
    canvas.addEventListener("click", (event) => {
      const leaf = at(event);
      if (leaf) onpick(leaf.data.row);
    });
    requestAnimationFrame(draw);
    return wrap;
  }

  function totalsBar(totals) {
    return h(
      "div",
      { class: "totals" },
      METRICS.filter((m) => totals && totals[m]).map((m) =>
        h(
          "div",
          { class: "total" },
          h("div", { class: "label" }, m),
          h("div", { class: "value", style: "color:" + BGR.coverageColor(totals[m].pct) }, pct(totals[m].pct)),
          h("div", { class: "muted small" }, totals[m].covered + " / " + totals[m].total),
        ),
      ),
    );
  }

  function fileTable(rows, ref) {
    const state = { key: "risk", dir: -1, text: "" };
    const body = h("tbody");
    const note = h("p", { class: "muted small" });
    const columns = [
      ["file", "file", (r) => r.file],
      ["lines", "lines", (r) => pctOf(r) ?? -1],
      ["branches", "branches", (r) => (r.branches ? r.branches.pct : -1)],
      ["functions", "functions", (r) => (r.functions ? r.functions.pct : -1)],
      ["risk", "risk", (r) => r.risk || 0],
    ];
    function fill() {
      const getter = columns.find((c) => c[0] === state.key)[2];
      const kept = rows.filter((r) => !state.text || r.file.toLowerCase().includes(state.text));
      kept.sort((a, b) => {
        const x = getter(a);
        const y = getter(b);
        return (x < y ? -1 : x > y ? 1 : 0) * state.dir || a.file.localeCompare(b.file);
      });
      body.replaceChildren(
        ...kept.slice(0, TABLE_ROWS).map((r) =>
          h(
            "tr",
            {},
            h("td", {}, BGR.link("#/coverage/" + enc(ref) + "/" + enc(r.file), r.file, { class: "mono" })),
            h("td", { style: "color:" + BGR.coverageColor(pctOf(r)) }, pct(pctOf(r))),
            h("td", {}, r.branches ? pct(r.branches.pct) : "–"),
            h("td", {}, r.functions ? pct(r.functions.pct) : "–"),
            h("td", {}, r.risk ? r.risk.toFixed(1) : "–"),
          ),
        ),
      );
      note.textContent = kept.length > TABLE_ROWS ? "Showing " + TABLE_ROWS + " of " + kept.length + " files: filter to narrow." : kept.length + " files";
    }
    const head = h(
      "tr",
      {},
      columns.map(([key, label]) =>
        h("th", { class: "sortable", onclick: () => { state.dir = state.key === key ? -state.dir : key === "file" ? 1 : -1; state.key = key; fill(); } }, label),
      ),
    );
    fill();
    return h(
      "div",
      {},
      h("input", { type: "search", placeholder: "filter files", class: "filter", oninput: (e) => { state.text = e.target.value.toLowerCase(); fill(); } }),
      h("table", { class: "coverage" }, h("thead", {}, head), body),
      note,
    );
  }

  async function fileView(ref, detail, file) {
    const rows = (detail.data && detail.data.files) || [];
    const row = rows.find((r) => r.file === file);
    if (!row) throw new Error(file + " is not in this coverage report");
    const missing = parseRanges(row.missingLines);
    const parts = [
      h("p", {}, BGR.link("#/coverage/" + enc(ref), "← back to the coverage report")),
      h("h1", { class: "mono" }, file),
      totalsBar(row),
      row.uncoveredFunctions && row.uncoveredFunctions.length
        ? h("p", {}, "Uncovered functions: ", row.uncoveredFunctions.map((f) => f.name + " (line " + f.line + ")").join(", "))
        : null,
      h("p", {}, "Uncovered lines: ", h("span", { class: "mono" }, row.missingLines || "none")),
    ];
    try {
      const { text } = await api.get("/api/source", { file });
      parts.push(
        h(
          "pre",
          { class: "code source" },
          text.split("\n").map((line, i) => h("span", { class: missing.has(i + 1) ? "ln miss" : "ln" }, h("span", { class: "no" }, String(i + 1)), line, "\n")),
        ),
      );
    } catch (error) {
      parts.push(h("p", { class: "muted" }, error.message));
    }
    BGR.show(parts);
  }

  function riskList(rows, ref) {
    const risky = rows.filter((r) => r.risk > 0).sort((a, b) => b.risk - a.risk).slice(0, 10);
    if (risky.length === 0) return h("p", { class: "muted" }, "No uncovered code to rank.");
    return h(
      "ol",
      { class: "risk" },
      risky.map((r) =>
        h("li", {}, BGR.link("#/coverage/" + enc(ref) + "/" + enc(r.file), r.file, { class: "mono" }), " — ", pct(pctOf(r)), " covered", r.sensitive && r.sensitive.length ? " · " + r.sensitive.join(", ") : ""),
      ),
    );
  }

  async function pickReport() {
    if (!BGR.live && BGR.boot.data && BGR.boot.data.coverage) return BGR.boot.data.coverage;
    const overview = await api.get("/api/overview");
    for (const group of overview.sessions) {
      for (const run of group.runs) if (run.kind === "coverage-analysis" && run.result_location) return run.result_location;
    }
    return undefined;
  }

  BGR.views.coverage = async function (ref, file) {
    ref = ref || (await pickReport());
    if (!ref) return BGR.show(h("h1", {}, "Coverage"), h("p", { class: "muted" }, "No coverage analysis has run in this workspace yet."));
    const detail = await api.get("/api/report", { ref });
    if (file) return fileView(ref, detail, file);
    const data = detail.data || {};
    const rows = Array.isArray(data.files) ? data.files.filter((r) => r && typeof r.file === "string") : [];
    BGR.show(
      h("h1", {}, "Coverage ", h("span", { class: "muted small" }, (detail.meta && detail.meta.title) || ref)),
      totalsBar(data.totals),
      rows.length ? treemap(rows, (row) => (location.hash = "#/coverage/" + enc(ref) + "/" + enc(row.file))) : h("p", { class: "muted" }, "This report has no per-file coverage."),
      h("h2", {}, "Riskiest untested code"),
      riskList(rows, ref),
      h("h2", {}, "Files"),
      fileTable(rows, ref),
    );
  };
})();
