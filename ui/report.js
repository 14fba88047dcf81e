// The report page: front matter as a header, findings as cards with the code
// around each line and the data-flow trace as a path through the code,
// filters, and ack/reopen.
"use strict";
(function () {
  const { h, api, enc, badge } = BGR;
  const SEVERITIES = ["High", "Medium", "Low", "Info"];
  const CONFIDENCES = ["High", "Medium", "Low"];

  function cweLink(cwe) {
    return h("a", { href: "https://cwe.mitre.org/data/definitions/" + cwe + ".html", target: "_blank", rel: "noopener noreferrer" }, "CWE-" + cwe);
  }

  function owaspLink(id) {
    const match = /^A(\d\d):2021$/.exec(id || "");
    if (!match) return id;
    return h("a", { href: "https://owasp.org/Top10/A" + match[1] + "_2021/", target: "_blank", rel: "noopener noreferrer" }, id);
  }

  function traceList(finding, sources) {
    if (!Array.isArray(finding.trace) || finding.trace.length === 0) return null;
    return h(
      "ol",
      { class: "trace" },
      finding.trace.map((step) => {
        const line = ((sources || {})[step.file] || {})[step.line];
        return h(
          "li",
          {},
          h("span", { class: "mono loc" }, step.file + ":" + step.line),
          " ",
          h("span", {}, step.note),
          line !== undefined ? h("pre", { class: "code step" }, h("span", { class: "ln hit" }, h("span", { class: "no" }, String(step.line)), line)) : null,
        );
      }),
    );
  }

  function card(finding, index, sources) {
    const marked = [];
    for (let l = finding.line; l <= (finding.endLine || finding.line); l++) marked.push(l);
    return h(
      "article",
      { class: "finding sev-" + finding.severity, dataset: { severity: finding.severity, rule: finding.ruleId } },
      h(
        "header",
        {},
        badge(finding.severity, "sev-" + finding.severity),
        h("h3", {}, "Finding " + (index + 1) + ": " + finding.title),
        h("span", { class: "mono rule" }, finding.ruleId),
      ),
      h(
        "div",
        { class: "meta" },
        h("span", { class: "mono loc" }, finding.file + (finding.line ? ":" + finding.line : "")),
        finding.confidence ? h("span", {}, "confidence " + finding.confidence) : null,
        finding.cwe ? cweLink(finding.cwe) : null,
        finding.owasp ? owaspLink(finding.owasp) : null,
        BGR.isTestFinding(finding) ? badge("test code", "muted") : null,
      ),
      h("p", { class: "message" }, finding.message),
      BGR.codeBlock(sources, finding.file, finding.line, marked),
      traceList(finding, sources),
      finding.recommendation ? h("p", { class: "rec" }, h("strong", {}, "Recommendation: "), finding.recommendation) : null,
    );
  }

  function select(name, values, state, onchange) {
    return h(
      "label",
      {},
      name + " ",
      h(
        "select",
        { name, onchange: (e) => onchange(e.target.value) },
        h("option", { value: "" }, "all"),
        values.map((v) => h("option", { value: v, selected: state === v }, v)),
      ),
    );
  }

  function render(detail) {
    const data = detail.data || {};
    const findings = Array.isArray(data.findings) ? data.findings : [];
    const filter = { severities: new Set(SEVERITIES), confidence: "", rule: "", file: "", code: "" };
    const list = h("div", { class: "findings" });
    const count = h("span", { class: "muted" });

    function apply() {
      const kept = findings
        .map((f, i) => [f, i])
        .filter(([f]) => filter.severities.has(f.severity))
        .filter(([f]) => !filter.confidence || f.confidence === filter.confidence)
        .filter(([f]) => !filter.rule || f.ruleId === filter.rule)
        .filter(([f]) => !filter.file || f.file === filter.file)
        .filter(([f]) => !filter.code || (filter.code === "test") === BGR.isTestFinding(f));
      list.replaceChildren(...kept.map(([f, i]) => card(f, i, detail.sources)));
      count.textContent = kept.length + " of " + findings.length + " findings";
    }

    const severityBoxes = SEVERITIES.map((s) =>
      h(
        "label",
        { class: "chip sev-" + s },
        h("input", { type: "checkbox", checked: true, name: "severity", value: s, onchange: (e) => { e.target.checked ? filter.severities.add(s) : filter.severities.delete(s); apply(); } }),
        " " + s + " (" + findings.filter((f) => f.severity === s).length + ")",
      ),
    );
    const unique = (key) => [...new Set(findings.map((f) => f[key]).filter(Boolean))].sort();
    const filters = h(
      "div",
      { class: "filters" },
      severityBoxes,
      select("confidence", CONFIDENCES.filter((c) => findings.some((f) => f.confidence === c)), "", (v) => { filter.confidence = v; apply(); }),
      select("rule", unique("ruleId"), "", (v) => { filter.rule = v; apply(); }),
      select("file", unique("file"), "", (v) => { filter.file = v; apply(); }),
      h(
        "label",
        {},
        "code ",
        h(
          "select",
          { name: "code", onchange: (e) => { filter.code = e.target.value; apply(); } },
          h("option", { value: "" }, "all"),
          h("option", { value: "app" }, "not tests"),
          h("option", { value: "test" }, "tests only"),
        ),
      ),
      count,
    );

    const meta = detail.meta || {};
    const view = detail.view || {};
    const actions = BGR.live && view.status
      ? h(
          "button",
          {
            type: "button",
            onclick: async (e) => {
              e.target.disabled = true;
              try {
                await api.post("/api/ack", { report: view.path, status: view.status === "processed" ? "unprocessed" : "processed" });
                await BGR.route();
              } catch (error) {
                alert(error.message);
                e.target.disabled = false;
              }
            },
          },
          view.status === "processed" ? "reopen" : "mark processed",
        )
      : null;

    const header = h(
      "header",
      { class: "report-head" },
      h("h1", {}, meta.title || view.title || data.title || "Report"),
      h(
        "dl",
        {},
        [["status", meta.status], ["created", meta.created], ["run", meta.background_agent_id], ["session", meta.session_reference], ["file", view.path]]
          .filter(([, v]) => v)
          .map(([k, v]) => [h("dt", {}, k), h("dd", { class: "mono" }, String(v))]),
      ),
      actions,
    );

    const parts = [header];
    if (data.summary) parts.push(h("h2", {}, "Summary"), h("p", {}, data.summary));
    if (Array.isArray(data.blockers) && data.blockers.length) parts.push(h("h2", {}, "Blockers"), h("ul", { class: "error-text" }, data.blockers.map((b) => h("li", {}, b))));
    if (data.totals) parts.push(h("p", {}, BGR.link("#/coverage/" + enc(view.path || ""), "Coverage view of this report →")));
    if (detail.data) {
      parts.push(h("h2", {}, "Findings"), filters, list);
      if (Array.isArray(data.recommendations) && data.recommendations.length) parts.push(h("h2", {}, "Recommendations"), h("ol", {}, data.recommendations.map((r) => h("li", {}, r))));
      apply();
    } else {
      parts.push(h("pre", { class: "markdown" }, detail.markdown || ""));
    }
    BGR.show(parts);
  }

  BGR.views.report = async function (ref) {
    render(await api.get("/api/report", { ref }));
  };
})();
