import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, realpath, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { EngineResult } from "../../src/engines/types.js";
import type { Finding } from "../../src/protocol/finding.js";
import { FINGERPRINT_KEY, fingerprintsOf } from "../../src/report/fingerprint.js";
import { buildSarif } from "../../src/report/sarif.js";
import { loadRuleSet } from "../../src/engines/security-audit/rules.js";
import { bgr } from "../cli/helpers.js";
import { sarifSchemaErrors } from "./schema.js";
import { copyExample } from "../security/example-workspace.js";

async function exampleCopy(): Promise<string> {
  const root = await realpath(await mkdtemp(path.join(tmpdir(), "bgr-sarif-")));
  return copyExample(root);
}

const evalFinding: Finding = {
  ruleId: "py.code-injection",
  title: "Code injection (eval / exec)",
  severity: "High",
  file: "app/calc.py",
  line: 4,
  endLine: 4,
  message: "Request data is evaluated as Python code.",
  recommendation: "Never evaluate input.",
  cwe: 95,
  owasp: "A03:2021",
  confidence: "High",
  snippet: "return eval(request.args['x'])",
};

test("sarif from a real audit passes the official 2.1.0 schema and carries what code scanning reads", async () => {
  const root = await exampleCopy();
  const out = await bgr(["audit", "--format", "sarif"], { cwd: root });
  assert.equal(out.code, 0, out.stderr);
  const log = JSON.parse(out.stdout);
  assert.deepEqual(sarifSchemaErrors(log), []);
  const run = log.runs[0];
  assert.ok(run.results.length > 0, "the example app has findings");
  assert.equal(run.automationDetails.id, "bgr/audit/");
  assert.ok(!out.stdout.includes("file://"), "no absolute base URI of this machine");
  assert.ok(!out.stdout.includes(root), "no absolute path of this machine");
  for (const result of run.results) {
    const location = result.locations[0].physicalLocation.artifactLocation;
    assert.equal(location.uriBaseId, "%SRCROOT%");
    assert.ok(!location.uri.startsWith("/"), location.uri);
    assert.match(result.partialFingerprints[FINGERPRINT_KEY], /^[0-9a-f]{32}$/);
    assert.equal(result.partialFingerprints.primaryLocationLineHash, undefined, "GitHub's upload computes that one itself");
  }
  const prints = run.results.map((r: any) => r.partialFingerprints[FINGERPRINT_KEY]);
  assert.equal(new Set(prints).size, prints.length, "every result keeps its own alert");
  for (const rule of run.tool.driver.rules) {
    const tags: string[] = rule.properties.tags;
    assert.ok(tags.includes("security"), rule.id);
    assert.ok(tags.some((t) => /^external\/cwe\/cwe-\d+$/.test(t)), `${rule.id} has a CWE tag`);
    assert.ok(tags.some((t) => /^external\/owasp\/A\d\d:2021$/.test(t)), `${rule.id} has an OWASP tag`);
    assert.match(rule.properties["security-severity"], /^\d+\.\d$/);
    assert.ok(Number(rule.properties["security-severity"]) > 0);
    assert.ok(["very-high", "high", "medium", "low"].includes(rule.properties.precision), rule.id);
    assert.ok(["error", "warning", "recommendation"].includes(rule.properties["problem.severity"]));
    assert.match(rule.helpUri, /^https:\/\/cwe\.mitre\.org\/data\/definitions\/\d+\.html$/);
    assert.match(rule.help.markdown, /## Example[\s\S]*Flagged:\n\n```(python|javascript)\n[\s\S]+Not flagged:[\s\S]*## Remediation[\s\S]*## References\n\n- \[CWE-\d+\]/);
  }
});

test("sarif: the rule's help shows the rule's own bad and good examples", () => {
  const sarif = buildSarif({ kind: "security-audit", result: { summary: "", findings: [evalFinding], filesAnalyzed: [], errors: [], recommendations: [] }, root: "/w" }) as any;
  const rule = sarif.runs[0].tool.driver.rules[0];
  const spec = loadRuleSet().rules.find((r) => r.id === "py.code-injection")!;
  const fence = (code: string) => "```python\n" + code.trimEnd() + "\n```";
  assert.ok(rule.help.markdown.includes(`Flagged:\n\n${fence(spec.examples.positive[0]!.code)}`), rule.help.markdown);
  assert.ok(rule.help.markdown.includes(`Not flagged:\n\n${fence(spec.examples.negative[0]!.code)}`), rule.help.markdown);
  assert.match(rule.help.markdown, /\[OWASP Top 10 A03:2021\]\(https:\/\/owasp\.org\/Top10\/A03_2021-Injection\/\)/);
});

test("fingerprints: identical lines in one file stay apart, and survive edits above them", () => {
  const twice = [evalFinding, { ...evalFinding, line: 9, endLine: 9 }];
  const [first, second] = fingerprintsOf(twice);
  assert.notEqual(first, second);
  // A line inserted above both moves them; their fingerprints stay.
  const moved = fingerprintsOf(twice.map((f) => ({ ...f, line: f.line + 3, endLine: f.endLine + 3 })));
  assert.deepEqual(moved, [first, second]);
  // Whitespace-only changes to the code do not make a new alert; another file or rule does.
  assert.equal(fingerprintsOf([{ ...evalFinding, snippet: "return  eval( request.args['x'])".replace("( ", "(") }])[0], first);
  assert.notEqual(fingerprintsOf([{ ...evalFinding, file: "app/other.py" }])[0], first);
  assert.notEqual(fingerprintsOf([{ ...evalFinding, ruleId: "py.other" }])[0], first);
  // The order of the list does not matter.
  assert.deepEqual(fingerprintsOf([...twice].reverse()), [second, first]);
});

test("sarif per kind: review and coverage uploads get their own category; non-security rules still validate", () => {
  const review: EngineResult = {
    summary: "",
    findings: [{ ...evalFinding, ruleId: "review.debug-leftover", title: "Debug output left in", severity: "Low", cwe: undefined, owasp: undefined, confidence: undefined }],
    filesAnalyzed: ["app/calc.py"],
    errors: [{ file: "app/broken.py", line: 2, message: "syntax error" }],
    recommendations: [],
  };
  for (const [kind, id] of [["code-review", "bgr/review/"], ["coverage-analysis", "bgr/coverage/"]] as const) {
    const sarif = buildSarif({ kind, result: review, root: "/w" }) as any;
    assert.deepEqual(sarifSchemaErrors(sarif), []);
    assert.equal(sarif.runs[0].automationDetails.id, id);
    const rule = sarif.runs[0].tool.driver.rules[0];
    assert.ok(!rule.properties.tags.includes("security"));
    assert.equal(rule.properties["security-severity"], undefined);
    assert.equal(rule.properties["problem.severity"], "recommendation");
  }
});

test("sarif: a path with spaces or # is a valid relative URI reference", () => {
  const odd = { ...evalFinding, file: "src/my app/#1 calc.py" };
  const sarif = buildSarif({ kind: "security-audit", result: { summary: "", findings: [odd], filesAnalyzed: [], errors: [], recommendations: [] }, root: "/w" }) as any;
  assert.equal(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri, "src/my%20app/%231%20calc.py");
  assert.deepEqual(sarifSchemaErrors(sarif), []);
});

test("the schema check can fail: an absolute-looking broken log is refused", () => {
  assert.notDeepEqual(sarifSchemaErrors({ version: "2.1.0", runs: [{ tool: { driver: {} } }] }), []);
  assert.notDeepEqual(sarifSchemaErrors({ version: "2.0.0", runs: [] }), []);
});

test("--format sarif with --json is refused, naming the conflict; --json alone stays JSON", async () => {
  const root = await exampleCopy();
  await writeFile(path.join(root, "keep.sarif"), "mine\n");
  const refused = await bgr(["audit", "--format", "sarif", "--json", "--out", "keep.sarif"], { cwd: root });
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr.trim(), /^bgr: --json and --format sarif conflict \(--json means --format json\): drop one of them$/);
  assert.equal(await readFile(path.join(root, "keep.sarif"), "utf8"), "mine\n");
  const json = await bgr(["audit", "--json"], { cwd: root });
  assert.equal(json.code, 0, json.stderr);
  assert.ok(Array.isArray(JSON.parse(json.stdout).findings));
  const both = await bgr(["audit", "--json", "--format", "json"], { cwd: root });
  assert.equal(both.code, 0, both.stderr);
});
