import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, realpath } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { SaxesParser } from "saxes";
import type { EngineResult } from "../../src/engines/types.js";
import type { Finding } from "../../src/protocol/finding.js";
import { buildRdjson, renderCheckstyle, renderGithubAnnotations, renderJunit } from "../../src/report/ci-formats.js";
import { bgr } from "../cli/helpers.js";
import { rdjsonErrors } from "./schema.js";
import { copyExample } from "../security/example-workspace.js";

const sqli: Finding = {
  ruleId: "py.sql-injection",
  title: "SQL injection",
  severity: "High",
  file: "src/auth/end,points:v2.py",
  line: 12,
  endLine: 12,
  column: 5,
  endColumn: 40,
  message: "Request data reaches cursor.execute.\nSecond line with 100% & <tags>",
  recommendation: "Use a parameterized query.",
  cwe: 89,
  owasp: "A03:2021",
  confidence: "High",
  snippet: "cursor.execute(f\"SELECT '{name}'\")",
};
const leftover: Finding = { ...sqli, ruleId: "review.debug-leftover", title: "print() left in", severity: "Low", file: "src/app.py", line: 3, endLine: 3, column: undefined, endColumn: undefined, cwe: undefined, owasp: undefined, message: "Debug output." };
const result: EngineResult = {
  summary: "s",
  findings: [leftover, sqli],
  filesAnalyzed: ["src/app.py", "src/auth/end,points:v2.py", "src/clean.py"],
  errors: [{ file: "src/broken.py", line: 4, message: "syntax error" }],
  recommendations: [],
};
const input = { kind: "security-audit" as const, title: "Audit", result };

interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  text: string;
}

/** Parses XML strictly (saxes refuses anything not well-formed) into a flat element list. */
function xmlElements(xml: string): XmlElement[] {
  const parser = new SaxesParser();
  const elements: XmlElement[] = [];
  const open: XmlElement[] = [];
  parser.on("opentag", (node) => {
    const element = { name: node.name, attributes: node.attributes as Record<string, string>, text: "" };
    elements.push(element);
    open.push(element);
  });
  parser.on("text", (text) => {
    if (open.length) open[open.length - 1]!.text += text;
  });
  parser.on("closetag", () => open.pop());
  parser.on("error", (error) => {
    throw error;
  });
  parser.write(xml).close();
  return elements;
}

test("github: one workflow command per finding, escaped the way the runner unescapes", () => {
  const lines = renderGithubAnnotations(input).trimEnd().split("\n");
  assert.equal(lines[0], "::error file=src/auth/end%2Cpoints%3Av2.py,line=12,endLine=12,col=5,endColumn=40,title=High%3A SQL injection (py.sql-injection)::Request data reaches cursor.execute.%0ASecond line with 100%25 & <tags>%0AUse a parameterized query.");
  assert.match(lines[1]!, /^::notice file=src\/app\.py,line=3,endLine=3,title=Low%3A print\(\) left in \(review\.debug-leftover\)::Debug output\./);
  assert.equal(lines[2], "::warning file=src/broken.py,line=4::bgr could not analyse this: syntax error");
  assert.equal(lines.length, 3);
  assert.equal(renderGithubAnnotations({ ...input, result: { ...result, findings: [], errors: [] } }), "");
});

test("rdjson: reviewdog's Diagnostic Format, checked by rdformat-validator", async () => {
  const text = JSON.stringify(buildRdjson(input));
  assert.deepEqual(await rdjsonErrors(text), []);
  const rd = JSON.parse(text);
  assert.equal(rd.source.name, "bgr");
  const first = rd.diagnostics[0];
  assert.equal(first.severity, "ERROR");
  assert.deepEqual(first.location, { path: sqli.file, range: { start: { line: 12, column: 5 }, end: { line: 12, column: 40 } } });
  assert.deepEqual(first.code, { value: "py.sql-injection", url: "https://cwe.mitre.org/data/definitions/89.html" });
  assert.equal(rd.diagnostics[1].severity, "INFO");
  // The validator can fail: a diagnostic without a message is refused.
  assert.notDeepEqual(await rdjsonErrors(JSON.stringify({ diagnostics: [{ location: { path: "a" } }] })), []);
});

test("checkstyle: well-formed XML, one <file> per file, severities and sources", () => {
  const elements = xmlElements(renderCheckstyle(input));
  assert.equal(elements[0]!.name, "checkstyle");
  const files = elements.filter((e) => e.name === "file").map((e) => e.attributes.name);
  assert.deepEqual(files, ["src/app.py", "src/auth/end,points:v2.py", "src/broken.py"]);
  const errors = elements.filter((e) => e.name === "error");
  assert.deepEqual(errors.map((e) => [e.attributes.severity, e.attributes.source, e.attributes.line]), [
    ["info", "bgr.review.debug-leftover", "3"],
    ["error", "bgr.py.sql-injection", "12"],
    ["warning", "bgr.analysis-error", "4"],
  ]);
  assert.match(errors[1]!.attributes.message!, /100% & <tags>/);
});

test("junit: a suite per analysed file, failures for findings, a passing case for a clean file, errors for analysis errors", () => {
  const elements = xmlElements(renderJunit(input));
  const root = elements[0]!;
  assert.equal(root.name, "testsuites");
  assert.deepEqual([root.attributes.tests, root.attributes.failures, root.attributes.errors], ["4", "2", "1"]);
  const suites = elements.filter((e) => e.name === "testsuite").map((e) => [e.attributes.name, e.attributes.tests, e.attributes.failures, e.attributes.errors]);
  assert.deepEqual(suites, [
    ["src/app.py", "1", "1", "0"],
    ["src/auth/end,points:v2.py", "1", "1", "0"],
    ["src/broken.py", "1", "0", "1"],
    ["src/clean.py", "1", "0", "0"],
  ]);
  const failure = elements.find((e) => e.name === "failure" && e.attributes.type === "High")!;
  assert.equal(failure.attributes.message, "High: SQL injection");
  assert.match(failure.text, /^src\/auth\/end,points:v2\.py:12\nRequest data[\s\S]*CWE-89/);
});

test("the CI formats from the CLI, for audit and coverage", async () => {
  const root = await realpath(await mkdtemp(path.join(tmpdir(), "bgr-ci-")));
  copyExample(root);
  const annotations = await bgr(["audit", "--format", "github"], { cwd: root });
  assert.equal(annotations.code, 0, annotations.stderr);
  assert.match(annotations.stdout, /^::error file=[^,]+,line=\d+,endLine=\d+/m);
  const rd = await bgr(["audit", "--format", "rdjson"], { cwd: root });
  assert.deepEqual(await rdjsonErrors(rd.stdout), []);
  for (const format of ["checkstyle", "junit"]) {
    const out = await bgr(["audit", "--format", format], { cwd: root });
    assert.equal(out.code, 0, out.stderr);
    assert.ok(xmlElements(out.stdout).length > 1);
  }
  const unknown = await bgr(["audit", "--format", "gitlab"], { cwd: root });
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /gitlab.*Allowed choices are md, sarif, json, html, github, rdjson, checkstyle, junit/);

  // --sarif: the same analysis also written as SARIF, for a CI step that wants both.
  const both = await bgr(["audit", "--format", "github", "--sarif", "out/audit.sarif"], { cwd: root });
  assert.equal(both.code, 0, both.stderr);
  assert.equal(both.stdout, annotations.stdout);
  const sarif = JSON.parse(await readFile(path.join(root, "out/audit.sarif"), "utf8"));
  assert.equal(sarif.runs[0].results.length, (annotations.stdout.match(/^::(error|warning|notice) /gm) ?? []).length);
  const clash = await bgr(["audit", "--out", "r.sarif", "--sarif", "r.sarif"], { cwd: root });
  assert.equal(clash.code, 2);
  assert.match(clash.stderr, /--sarif r\.sarif is also the --out file/);
});
