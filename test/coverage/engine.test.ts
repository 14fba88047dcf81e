// The engine end to end: diff coverage in a real git repository, the
// project's own thresholds, scope, and producing a report by running tests.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import { analyze, git, makeProject, totalsOf, writeFiles } from "./helpers.js";

const LIB_V1 = "export function a() {\n  return 1;\n}\n";
const LIB_V2 = "export function a() {\n  return 1;\n}\n\nexport function b(x) {\n  if (x) {\n    return 2;\n  }\n  return 3;\n}\n";

describe("diff coverage", () => {
  function repo(): string {
    const root = makeProject({ "src/lib.js": LIB_V1, "src/auth/token.js": "export const t = 1;\n" });
    git(root, "init", "-q", "-b", "main");
    git(root, "add", ".");
    git(root, "commit", "-q", "-m", "base");
    writeFiles(root, {
      "src/lib.js": LIB_V2,
      "src/auth/token.js": "export const t = 1;\nexport const u = 2;\n",
      // What a coverage run of the changed code reports: b() ran, its x branch did not.
      "coverage/lcov.info": [
        "SF:src/lib.js", "FN:1,a", "FN:5,b", "FNDA:1,a", "FNDA:1,b",
        "DA:1,1", "DA:2,1", "DA:5,1", "DA:6,1", "DA:7,0", "DA:9,1", "end_of_record",
        "SF:src/auth/token.js", "DA:1,1", "DA:2,0", "end_of_record", "",
      ].join("\n"),
    });
    return root;
  }

  it("lists the changed lines no test runs, since --base", async () => {
    const root = repo();
    const result = await analyze(root, { base: "main" });
    assert.equal(result.blockers, undefined);
    const diff = result.data?.diff as { covered: number; total: number; pct: number };
    // Changed executable lines: lib.js 5,6,7,9 and token.js 2 → 3 of 5 covered.
    assert.deepEqual({ covered: diff.covered, total: diff.total, pct: diff.pct }, { covered: 3, total: 5, pct: 60 });
    const misses = result.findings.filter((f) => f.ruleId === "coverage/diff-uncovered").map((f) => `${f.file}:${f.line} ${f.severity}`);
    assert.deepEqual(misses, ["src/auth/token.js:2 High", "src/lib.js:7 Medium"]);
    assert.ok(result.sections?.some((s) => s.heading === "Diff Coverage (since main)"));
  });

  it("an unknown --base is a one-line blocker naming the ref", async () => {
    const root = repo();
    const result = await analyze(root, { base: "no-such-branch" });
    assert.equal(result.blockers?.length, 1);
    assert.match(result.blockers![0]!, /^--base no-such-branch: unknown revision/);
  });
});

describe("thresholds", () => {
  const lcov = "SF:src/a.js\nDA:1,1\nDA:2,0\nDA:3,0\nDA:4,1\nend_of_record\n";
  it("the project's .c8rc check-coverage gate is the one reported, per file too", async () => {
    const root = makeProject({
      "src/a.js": "1\n2\n3\n4\n",
      "coverage/lcov.info": lcov,
      ".c8rc.json": JSON.stringify({ "check-coverage": true, lines: 75, "per-file": true }),
    });
    const result = await analyze(root);
    const gates = result.findings.filter((f) => f.ruleId === "coverage/below-threshold");
    assert.deepEqual(gates.map((f) => `${f.file}:${f.line} ${f.severity}`).sort(), [".c8rc.json:0 Medium", "src/a.js:2 Medium"]);
    assert.match(gates.find((f) => f.line === 0)!.message, /project's threshold of 75% \(\.c8rc\.json\)/);
  });
  it("jest coverageThreshold in package.json", async () => {
    const root = makeProject({
      "src/a.js": "1\n2\n3\n4\n",
      "coverage/lcov.info": lcov,
      "package.json": JSON.stringify({ name: "x", jest: { coverageThreshold: { global: { lines: 60 } } } }),
    });
    const result = await analyze(root);
    const gate = result.findings.find((f) => f.ruleId === "coverage/below-threshold" && f.line === 0);
    assert.equal(gate?.file, "package.json");
    assert.match(gate?.title ?? "", /50% is below 60%/);
  });
});

describe("scope and discovery", () => {
  it("totals only the files in scope, and a monorepo package's own coverage/ is found", async () => {
    const root = makeProject({
      "packages/api/src/a.js": "1\n",
      "packages/api/src/b.js": "1\n",
      "packages/api/coverage/lcov.info": "SF:src/a.js\nDA:1,1\nend_of_record\nSF:src/b.js\nDA:1,0\nend_of_record\n",
    });
    const result = await analyze(root, {}, ["packages/api/src/a.js"]);
    assert.deepEqual(totalsOf(result).lines, { covered: 1, total: 1, pct: 100 });
    assert.deepEqual(result.filesAnalyzed, ["packages/api/coverage/lcov.info", "packages/api/src/a.js"]);
  });

  it("no report and no permission to run tests: a blocker that says what to do", async () => {
    const root = makeProject({ "src/a.js": "1\n" });
    const result = await analyze(root);
    assert.equal(result.blockers?.length, 1);
    assert.match(result.blockers![0]!, /no coverage report found .*--report F/);
  });
});

describe("producing a report when none exists", () => {
  it("runs node's test runner under bgr's c8 with --allow-exec, and says which command it ran", async () => {
    const root = makeProject({
      "package.json": JSON.stringify({ name: "p", type: "module" }),
      "src/calc.js": "export function twice(x) {\n  return 2 * x;\n}\nexport function never() {\n  return 0;\n}\n",
      "test/calc.test.js": 'import test from "node:test";\nimport assert from "node:assert";\nimport { twice } from "../src/calc.js";\ntest("twice", () => assert.equal(twice(2), 4));\n',
    });
    const asked = await analyze(root, {}, [], "Coverage analysis: run the tests and report coverage");
    assert.match(asked.blockers?.[0] ?? "", /--allow-exec .*allowExec: true/, "the task text alone is no permission to run the project's code");
    const result = await analyze(root, { allowExec: true });
    assert.equal(result.blockers, undefined, String(result.blockers));
    const command = result.sections?.find((s) => s.heading === "Coverage Command");
    assert.match(command?.body ?? "", /c8 node --test/);
    assert.equal((result.data as { commandExitCode: number }).commandExitCode, 0);
    const uncalled = result.findings.find((f) => f.ruleId === "coverage/uncovered-function");
    assert.equal(uncalled?.file, "src/calc.js");
    assert.match(uncalled?.title ?? "", /never/);
  });
});

describe("bgr coverage", () => {
  const main = new URL("../../src/cli/main.js", import.meta.url).pathname;
  it("prints SPEC's JSON: totals, per-file table, findings", () => {
    const root = makeProject({ "src/a.js": "1\n2\n", "coverage/lcov.info": "SF:src/a.js\nFN:1,f\nFNDA:0,f\nDA:1,1\nDA:2,0\nend_of_record\n" });
    const out = execFileSync(process.execPath, [main, "coverage", "--format", "json", "--cwd", root], { encoding: "utf8" });
    const json = JSON.parse(out) as { totals: Record<string, unknown>; files: Array<{ file: string; lines: unknown }>; findings: Array<{ ruleId: string }> };
    assert.deepEqual(json.totals.lines, { covered: 1, total: 2, pct: 50 });
    assert.deepEqual(json.files[0], { ...json.files[0], file: "src/a.js", lines: { covered: 1, total: 2, pct: 50 } });
    assert.ok(json.findings.some((f) => f.ruleId === "coverage/uncovered-function"));
  });
  it("a missing --report is a usage error (exit 2) naming it", () => {
    const root = makeProject({ "src/a.js": "1\n" });
    const result = spawnSync(process.execPath, [main, "coverage", "--report", "nope.info", "--cwd", root], { encoding: "utf8" });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /--report nope\.info: no such file/);
  });
});
