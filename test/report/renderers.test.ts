import { test } from "node:test";
import assert from "node:assert/strict";
import type { EngineResult } from "../../src/engines/types.js";
import type { Finding } from "../../src/protocol/finding.js";
import { renderFrontMatter } from "../../src/protocol/report-meta.js";
import { buildJsonReport } from "../../src/report/json.js";
import { renderMarkdownReport } from "../../src/report/markdown.js";
import { buildSarif } from "../../src/report/sarif.js";
import { parse as parseYaml } from "yaml";

const sqli: Finding = {
  ruleId: "py-sql-injection",
  title: "SQL injection",
  severity: "High",
  file: "src/auth/endpoints.py",
  line: 12,
  endLine: 12,
  message: "Request data reaches cursor.execute.",
  recommendation: "Use a parameterized query.",
  cwe: 89,
  owasp: "A03:2021",
  confidence: "High",
  snippet: "cursor.execute(f\"SELECT * FROM users WHERE name = '{name}'\")",
  trace: [
    { file: "src/auth/endpoints.py", line: 10, note: "source: request.form" },
    { file: "src/auth/endpoints.py", line: 12, note: "sink: cursor.execute" },
  ],
};
const info: Finding = { ...sqli, ruleId: "todo", title: "TODO left", severity: "Info", line: 3, endLine: 3, cwe: undefined, owasp: undefined, trace: undefined, snippet: undefined };

const result: EngineResult = {
  summary: "One injection.",
  findings: [info, sqli],
  filesAnalyzed: ["src/auth/endpoints.py", "src/auth/token.py"],
  errors: [{ file: "src/broken.py", line: 4, message: "syntax error" }],
  recommendations: ["Parameterize queries.", "Remove TODOs."],
};

test("markdown: sections in SPEC order, findings most severe first with the seed's fields", () => {
  const text = renderMarkdownReport({
    title: "Security audit: auth",
    result,
    frontMatter: {
      title: "Security audit: auth",
      type: "background-agent-output",
      status: "unprocessed",
      created: "2026-01-23T14:30:00Z",
      background_agent_id: "bg-20260123-143000-auth",
      session_reference: "20260123-140000-auth-feature.md",
    },
  });
  const order = ["---\nreport:", "# Security audit: auth", "## Summary", "## Findings", "### Finding 1: SQL injection", "**Severity**: High", "**Location**: `src/auth/endpoints.py:12`", "**Description**:", "**Recommendation**:", "**CWE**: CWE-89", "### Finding 2: TODO left", "## Analysis Errors", "## Recommendations", "1. Parameterize queries.", "## Files Analyzed", "- `src/auth/token.py`"];
  let at = -1;
  for (const piece of order) {
    const next = text.indexOf(piece, at + 1);
    assert.ok(next > at, `expected ${JSON.stringify(piece)} after position ${at}`);
    at = next;
  }
  assert.ok(!text.includes("## Blockers"));
  const frontMatter = parseYaml(text.split("---\n")[1]!);
  assert.equal(frontMatter.report.background_agent_id, "bg-20260123-143000-auth");
});

test("markdown: a partial report ends with Blockers; long listings are capped and point at the sidecar", () => {
  const many = Array.from({ length: 120 }, (_, i) => ({ ...info, line: i + 1, endLine: i + 1 }));
  const text = renderMarkdownReport({
    title: "Audit",
    result: { ...result, findings: many, blockers: ["engine crashed: boom"] },
    partial: true,
    sidecars: ["r.json"],
    maxDetailed: 10,
  });
  assert.match(text, /### Finding 10: /);
  assert.doesNotMatch(text, /### Finding 11: /);
  assert.match(text, /### 110 more findings \(High: 0, Medium: 0, Low: 0, Info: 110\)/);
  assert.match(text, /full list is in `r\.json`/);
  assert.match(text, /## Blockers\n\n- engine crashed: boom\n$/);
});

test("front matter quotes titles that would break YAML", () => {
  const text = renderFrontMatter({ title: 'Audit: "auth" # 2', type: "background-agent-output", status: "unprocessed", created: "2026-01-23T14:30:00Z", background_agent_id: "bg-x", session_reference: "" });
  assert.equal(parseYaml(text.split("---\n")[1]!).report.title, 'Audit: "auth" # 2');
});

test("json: SPEC fields, data merged last", () => {
  const json = buildJsonReport({ kind: "coverage-analysis", title: "t", result: { ...result, data: { totals: { lines: { covered: 1, total: 2, pct: 50 } }, files: [{ file: "a.js" }] } } });
  assert.deepEqual(Object.keys((json.findings as Finding[])[0]!).slice(0, 8), ["ruleId", "title", "severity", "file", "line", "endLine", "message", "recommendation"]);
  assert.equal((json.findings as Finding[])[0]!.severity, "High");
  assert.deepEqual(json.files, [{ file: "a.js" }]);
  assert.deepEqual(json.errors, result.errors);
});

test("sarif: 2.1.0, one run, CWE tags, relative URIs, code flows", () => {
  const sarif = buildSarif({ kind: "security-audit", result, root: "/work/app" }) as any;
  assert.equal(sarif.version, "2.1.0");
  assert.equal(sarif.runs.length, 1);
  const run = sarif.runs[0];
  const rule = run.tool.driver.rules.find((r: any) => r.id === "py-sql-injection");
  assert.ok(rule.properties.tags.includes("security"));
  assert.ok(rule.properties.tags.includes("external/cwe/cwe-89"));
  assert.ok(rule.properties.tags.includes("external/owasp/A03:2021"));
  const first = run.results[0];
  assert.equal(first.ruleId, "py-sql-injection");
  assert.equal(first.level, "error");
  assert.equal(first.locations[0].physicalLocation.artifactLocation.uri, "src/auth/endpoints.py");
  assert.equal(first.locations[0].physicalLocation.region.startLine, 12);
  assert.equal(first.codeFlows[0].threadFlows[0].locations.length, 2);
  assert.equal(run.originalUriBaseIds["%SRCROOT%"].uri, undefined, "the upload's checkout is the base, not this machine's path");
  assert.equal(run.invocations[0].toolExecutionNotifications[0].message.text, "syntax error");
});
