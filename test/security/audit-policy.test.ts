// What the audit does with findings after analysis: test code is demoted to
// Low (or kept, or skipped), confidence and severity filter, SARIF tags test
// code and secondary CWEs, the markdown report leads with High confidence.
import assert from "node:assert/strict";
import { mkdtemp, mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, test } from "node:test";
import { applyPolicy, isTestCode, parseSeverities } from "../../src/engines/security-audit/policy.js";
import type { Finding } from "../../src/protocol/finding.js";
import { bgr } from "../cli/helpers.js";

const APP = [
  "import hashlib, random",
  "from flask import Flask, session",
  "app = Flask(__name__)",
  "def sign_token(token):",
  "    return hashlib.md5(token.encode()).hexdigest()",
  "def jitter():",
  "    return random.uniform(0, 1)",
  "def hash_password(pw):",
  "    return hashlib.sha1(pw.encode()).hexdigest()",
].join("\n");

async function workspace(config?: string): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), "bgr-audit-policy-"));
  await mkdir(path.join(root, "tests"), { recursive: true });
  await writeFile(path.join(root, "app.py"), `${APP}\n`);
  await writeFile(path.join(root, "tests", "test_app.py"), "import hashlib\ndef test_sign(token):\n    assert hashlib.md5(token).hexdigest()\n");
  if (config) await writeFile(path.join(root, "bgr.config.yaml"), config);
  return root;
}

interface Sarif {
  runs: Array<{
    tool: { driver: { rules: Array<{ id: string; properties: { tags: string[] } }> } };
    results: Array<{ ruleId: string; level: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }>; properties: { tags?: string[]; confidence?: string } }>;
  }>;
}

function sarifOf(stdout: string): Sarif["runs"][number] {
  return (JSON.parse(stdout) as Sarif).runs[0]!;
}

describe("test code", () => {
  test("paths of tests, examples and fixtures are test code; application paths are not", () => {
    for (const p of ["tests/test_app.py", "app/tests/helpers.py", "src/__tests__/a.test.ts", "lib/user.spec.js", "examples/demo.py", "conftest.py", "pkg/fixtures/data.js"]) {
      assert.ok(isTestCode(p), p);
    }
    for (const p of ["app.py", "src/testing_tools_not.py", "testcode/view.py", "src/contest.py", "lib/latest/index.js"]) assert.ok(!isTestCode(p), p);
  });

  test("findings in test code drop to Low, keep their original severity as a property, and can be kept or skipped", () => {
    const finding: Finding = { ruleId: "py.x", title: "x", severity: "High", file: "tests/test_a.py", line: 1, endLine: 1, message: "m", recommendation: "r", confidence: "High" };
    const [demoted] = applyPolicy([finding], { tests: "demote" });
    assert.equal(demoted!.severity, "Low");
    assert.equal(demoted!.properties?.testCode, true);
    assert.equal(demoted!.properties?.severityOutsideTests, "High");
    assert.equal(applyPolicy([finding], { tests: "include" })[0]!.severity, "High");
    assert.deepEqual(applyPolicy([finding], { tests: "skip" }), []);
  });

  test("severity filters take names, lists and floors", () => {
    assert.deepEqual(parseSeverities("high"), ["High"]);
    assert.deepEqual(parseSeverities("Medium+").sort(), ["High", "Medium"]);
    assert.deepEqual(parseSeverities("low,info").sort(), ["Info", "Low"]);
    assert.throws(() => parseSeverities("urgent"), /unknown severity "urgent"/);
  });
});

describe("bgr audit filters and reports", () => {
  test("SARIF tags test code, carries both CWEs of a weak password hash, and every result has a confidence", async () => {
    const root = await workspace();
    const result = await bgr(["audit", "--no-cache", "--format", "sarif"], { cwd: root });
    assert.equal(result.code, 0, result.stderr);
    const run = sarifOf(result.stdout);
    const inTests = run.results.filter((r) => r.locations[0]!.physicalLocation.artifactLocation.uri.startsWith("tests/"));
    assert.ok(inTests.length > 0, "the test file's weak hash is still reported");
    for (const r of inTests) {
      assert.deepEqual(r.properties.tags, ["test-code"]);
      assert.equal(r.level, "note");
    }
    for (const r of run.results) assert.ok(r.properties.confidence, `${r.ruleId} has no confidence`);
    const passwordRule = run.tool.driver.rules.find((r) => r.id === "py.weak-password-hash")!;
    assert.ok(passwordRule.properties.tags.includes("external/cwe/cwe-916"));
    assert.ok(passwordRule.properties.tags.includes("external/cwe/cwe-328"));
  });

  test("--min-confidence High keeps only sure findings; --severity and --tests narrow further", async () => {
    const root = await workspace();
    const all = sarifOf((await bgr(["audit", "--no-cache", "--format", "sarif"], { cwd: root })).stdout).results;
    assert.ok(all.some((r) => r.properties.confidence === "Low"), "random.uniform is reported at Low");
    const sure = sarifOf((await bgr(["audit", "--no-cache", "--format", "sarif", "--min-confidence", "high"], { cwd: root })).stdout).results;
    assert.ok(sure.length > 0 && sure.every((r) => r.properties.confidence === "High"));
    const high = sarifOf((await bgr(["audit", "--no-cache", "--format", "sarif", "--severity", "High"], { cwd: root })).stdout).results;
    assert.deepEqual([...new Set(high.map((r) => r.ruleId))], ["py.weak-password-hash"]);
    const skipped = sarifOf((await bgr(["audit", "--no-cache", "--format", "sarif", "--tests", "skip"], { cwd: root })).stdout).results;
    assert.ok(skipped.every((r) => !r.locations[0]!.physicalLocation.artifactLocation.uri.startsWith("tests/")));
  });

  test("audit.tests: include in the project config reports test code like any code", async () => {
    const root = await workspace("audit:\n  tests: include\n");
    const run = sarifOf((await bgr(["audit", "--no-cache", "--format", "sarif"], { cwd: root })).stdout);
    const inTests = run.results.filter((r) => r.locations[0]!.physicalLocation.artifactLocation.uri.startsWith("tests/"));
    assert.ok(inTests.length > 0 && inTests.every((r) => r.properties.tags === undefined));
  });

  test("the markdown report leads with High-confidence findings and lists test code in its own section", async () => {
    const root = await workspace();
    const md = (await bgr(["audit", "--no-cache"], { cwd: root })).stdout;
    const findings = md.slice(md.indexOf("## Findings\n"), md.indexOf("## Findings in Test Code"));
    const confidences = [...findings.matchAll(/\*\*Confidence\*\*: (\w+)/g)].map((m) => m[1]);
    assert.ok(confidences.length >= 3, md);
    assert.equal(confidences[0], "High");
    assert.equal(confidences.at(-1), "Low");
    assert.ok(!findings.includes("tests/test_app.py"));
    const testSection = md.slice(md.indexOf("## Findings in Test Code"));
    assert.match(testSection, /tests\/test_app\.py:3/);
  });

  test("bad filter values are usage errors naming the flag or the config key", async () => {
    const root = await workspace();
    const flag = await bgr(["audit", "--min-confidence", "sure"], { cwd: root });
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /--min-confidence sure: unknown confidence: use one of High, Medium, Low/);
    const tests = await bgr(["audit", "--tests", "maybe"], { cwd: root });
    assert.equal(tests.code, 2);
    assert.match(tests.stderr, /--tests: "maybe" is not one of include, demote, skip/);
    const configured = await workspace("audit:\n  tests: sometimes\n");
    const config = await bgr(["audit", "--no-cache"], { cwd: configured });
    assert.equal(config.code, 2);
    assert.match(config.stderr, /bgr\.config\.yaml:2: audit\.tests: use one of include, demote, skip, got "sometimes"/);
  });
});
