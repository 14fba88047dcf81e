// The review as a whole: the untouched-lines guarantee, the verdict and its
// data, configuration, linters, and the `bgr review` command.
import assert from "node:assert/strict";
import { symlinkSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { describe, it } from "node:test";
import { bgr, findingsOf, repo } from "./helpers.js";


const legacyJs = `export function legacy(a, b, c, d, e, f, g) {
  console.log("debug", a);
  debugger;
  try { a(); } catch (error) {}
  // TODO: clean this up
  const token = "ghp_abcdefghijklmnopqrstuvwxyz0123456789";
  if (a) { if (b) { if (c) { if (d) { if (e) { if (f && g || a) { return 1; } } } } } }
  return 0;
}
export const marker = 1;
`;

describe("untouched code", () => {
  it("reports nothing on lines the change did not add, however bad they are", async () => {
    const r = repo();
    r.write("src/legacy.js", legacyJs).write("src/legacy.py", "def old():\n    try:\n        x()\n    except:\n        pass\n    print('x')\n").commit("legacy");
    r.git("checkout", "-q", "-b", "feature");
    r.write("src/legacy.js", legacyJs.replace("export const marker = 1;", "export const marker = 2;"));
    r.write("src/legacy.py", "def old():\n    try:\n        x()\n    except:\n        pass\n    print('x')\n\nLIMIT = 3\n").commit("tweak");
    const result = await r.review();
    for (const finding of result.findings) {
      const expectedLine = finding.file === "src/legacy.js" ? 10 : 8;
      assert.equal(finding.line, expectedLine, `${finding.ruleId} reported on untouched ${finding.file}:${finding.line}`);
    }
    assert.deepEqual(result.findings.map((f) => f.ruleId), ["review/no-tests"]);
  });
});

describe("verdict and machine data", () => {
  it("approves a small tested change and states its size", async () => {
    const r = repo();
    r.write("src/sum.py", "def total(xs):\n    return sum(xs)\n").write("tests/test_sum.py", "from src.sum import total\n").commit("base");
    r.git("checkout", "-q", "-b", "feature");
    r.write("src/sum.py", "def total(xs):\n    return sum(xs)\n\n\ndef mean(xs):\n    return total(xs) / len(xs)\n");
    r.write("tests/test_sum.py", "from src.sum import total, mean\n\n\ndef test_mean():\n    assert mean([1, 3]) == 2\n").commit("mean");
    const result = await r.review();
    assert.deepEqual(result.findings, []);
    assert.equal(result.data?.verdict, "approve");
    const change = result.data?.change as { files: number; additions: number; deletions: number; base: string; head: string };
    assert.deepEqual([change.files, change.additions, change.deletions], [2, 9, 1]);
    assert.match(change.head, /^[0-9a-f]{40}$/);
    assert.match(result.summary, /2 file\(s\), \+9 −1 lines\. Verdict: \*\*approve\*\*/);
    assert.equal(result.blockers, undefined);
    // The base is named once: the label already carries the merge-base commit.
    const changeBody = result.sections?.find((s) => s.heading === "Change")?.body ?? "";
    assert.match(changeBody, /^- Base: main \(merge-base [0-9a-f]{12}\)\n/);
  });

  it("asks for comments on Medium findings, naming the reasons", async () => {
    const r = repo();
    r.write("a.js", "export const a = 1;\n").write("test/a.test.js", "it('a', () => {});\n").commit("base");
    r.write("a.js", "export const a = 1;\ntry { run(); } catch (e) {}\n").write("test/a.test.js", "it('a', () => {});\nit('b', () => {});\n");
    const result = await r.review();
    assert.equal(result.data?.verdict, "comment");
    assert.deepEqual(result.data?.reasons, ["1 × review/empty-catch (Medium) at a.js:2"]);
  });

  it("honours rules.disable and exclude from the project config, and never reviews .agents/", async () => {
    const r = repo();
    r.write("bgr.config.yaml", "exclude: [generated/]\nrules:\n  disable: [review/no-tests]\n").write("a.js", "x();\n").commit("base");
    r.write("a.js", "x();\ny();\n").write("generated/out.js", "debugger;\n").write(".agents/reports/r.md", "# TODO: report\n");
    const result = await r.review();
    assert.deepEqual(result.findings, []);
    assert.deepEqual(result.filesAnalyzed, ["a.js"]);
  });

  it("ends with a blocker, not an exception, outside a git repository or with a bad base", async () => {
    const r = repo();
    r.write("a.js", "x();\n").commit("base");
    const badBase = await r.review({ base: "nope" });
    assert.match(badBase.blockers?.[0] ?? "", /--base "nope"/);
    r.remove(".git");
    const noRepo = await r.review();
    assert.match(noRepo.blockers?.[0] ?? "", /not inside a git work tree/);
  });

  it("reviews the prompt's Files in full when they have no change, but never outside git", async () => {
    const r = repo();
    r.write("src/clean.js", "export function f() {\n  debugger;\n}\n").write("src/other.js", "debugger;\n").commit("base");
    r.write("README.md", "later\n").commit("the last commit does not touch src/");
    const clean = await r.review({}, ["src/clean.js"]);
    assert.deepEqual(clean.findings.map((f) => `${f.ruleId}@${f.file}:${f.line}`), ["review/leftover-debug@src/clean.js:2"]);
    assert.match(clean.summary, /in full because the given files have no change to review/);
    r.remove(".git");
    // "Review the latest commit" with no repository: whole files would pass for a review of a change.
    const noGit = await r.review({}, ["src"]);
    assert.deepEqual(noGit.filesAnalyzed, []);
    assert.match(noGit.blockers?.[0] ?? "", /is not inside a git work tree, so there is no change to review: run the review in a git repository/);
  });

  it("reviews a detached HEAD against the default branch", async () => {
    const r = repo();
    r.write("a.js", "x();\n").commit("base");
    r.git("checkout", "-q", "-b", "topic");
    const topic = r.write("a.js", "x();\ndebugger;\n").commit("topic");
    r.git("checkout", "-q", "--detach", topic);
    const result = await r.review();
    assert.deepEqual(findingsOf(result, "review/leftover-debug").map((f) => f.line), [2]);
    assert.match(String((result.data?.change as { headLabel: string }).headLabel), /detached/);
  });
});

describe("security engine", () => {
  it("folds in its findings on changed lines and drops those on untouched code", async () => {
    const route = (name: string, param: string) => `@app.route("/${name}")
def ${name}():
    ${param} = request.args.get("${param}")
    return str(sqlite3.connect("db").execute(f"SELECT * FROM t WHERE a = '{${param}}'").fetchall())
`;
    const r = repo();
    r.write("app.py", `import sqlite3\nfrom flask import Flask, request\n\napp = Flask(__name__)\n\n\n${route("old", "q")}`).commit("base");
    r.git("checkout", "-q", "-b", "feature");
    r.write("app.py", `import sqlite3\nfrom flask import Flask, request\n\napp = Flask(__name__)\n\n\n${route("old", "q")}\n\n${route("new", "name")}`).commit("new route");
    const result = await r.review();
    const security = result.findings.filter((f) => !f.ruleId.startsWith("review/"));
    assert.deepEqual(security.map((f) => [f.line, f.cwe]), [[16, 89]], "only the new route's injection, not the old one on line 10");
    const notes = result.sections?.find((s) => s.heading === "Review Notes")?.body ?? "";
    assert.match(notes, /Security engine: ran on 1 changed file\(s\), 2 finding\(s\) before keeping changed lines only/);
  });
});

describe("security engine gaps", () => {
  it("notes a changed file the security engine could not analyse instead of implying it is clean", async () => {
    const r = repo();
    r.write("a.js", "x();\n").commit("base");
    r.git("checkout", "-q", "-b", "feature");
    // Over the security engine's 2 MB limit for source files.
    r.write("big.js", "export const data = [\n" + "  1234567890,\n".repeat(180_000) + "];\n").commit("big");
    const notes = (await r.review()).sections?.find((s) => s.heading === "Review Notes")?.body ?? "";
    assert.match(notes, /Security engine: 1 file\(s\) not fully analysed \(first: big\.js: skipped: \d+ KB is over/);
  });
});

describe("project linters", () => {
  it("runs the project's ESLint and keeps its findings on changed lines only", async () => {
    const eslintPackage = createRequire(import.meta.url).resolve("eslint/package.json");
    const r = repo();
    r.write(".gitignore", "node_modules\n");
    r.write("eslint.config.mjs", 'export default [{ files: ["**/*.js"], rules: { eqeqeq: "error", "no-var": "warn" } }];\n');
    r.write("src/a.js", "var old = 1;\nif (old == 2) {}\n").commit("base");
    symlinkSync(path.resolve(path.dirname(eslintPackage), ".."), path.join(r.root, "node_modules"), "dir");
    r.write("src/a.js", "var old = 1;\nif (old == 2) {}\nif (old == 3) {}\n");
    const result = await r.review({ allowExec: true });
    const eslint = result.findings.filter((f) => f.ruleId.startsWith("eslint/"));
    assert.deepEqual(eslint.map((f) => [f.ruleId, f.line, f.severity]), [["eslint/eqeqeq", 3, "Medium"]]);
    const notes = result.sections?.find((s) => s.heading === "Review Notes")?.body ?? "";
    assert.match(notes, /ESLint: ran with eslint\.config\.mjs on 1 file/);
  });

  it("says so when a configured linter cannot run, without failing the review", async () => {
    const r = repo();
    r.write("eslint.config.js", "export default [];\n").write("a.js", "x();\n").commit("base");
    r.write("a.js", "x();\ny();\n");
    const result = await r.review({ allowExec: true });
    assert.equal(result.blockers, undefined);
    const notes = result.sections?.find((s) => s.heading === "Review Notes")?.body ?? "";
    assert.match(notes, /ESLint: configured \(eslint\.config\.js\) but not installed/);
  });
});


describe("bgr review", () => {
  it("prints SPEC JSON, SARIF and the seed markdown, and fails on --fail-on", async () => {
    const r = repo();
    r.write("src/a.js", "export const a = 1;\n").commit("base");
    r.git("checkout", "-q", "-b", "feature");
    r.write("src/a.js", "export const a = 1;\nit.only('x', () => {});\n").commit("focus");

    const json = await bgr(["review", "--format", "json"], r.root);
    assert.equal(json.code, 0, json.stderr);
    const report = JSON.parse(json.stdout) as { findings: Array<{ ruleId: string; line: number }>; files: string[]; errors: unknown[]; verdict: string };
    assert.ok(Array.isArray(report.errors));
    assert.deepEqual(report.files, ["src/a.js"]);
    assert.equal(report.verdict, "request changes");
    assert.ok(report.findings.some((f) => f.ruleId === "review/focused-test" && f.line === 2));

    const sarif = await bgr(["review", "--format", "sarif", "--base", "main"], r.root);
    assert.equal((JSON.parse(sarif.stdout) as { version: string }).version, "2.1.0");

    const markdown = await bgr(["review", "--fail-on", "high"], r.root);
    assert.equal(markdown.code, 1);
    assert.match(markdown.stdout, /## Summary[\s\S]*Verdict: \*\*request changes\*\*[\s\S]*\*\*Location\*\*: `src\/a\.js:2`/);
  });

  it("reviews the index with --staged and only the given paths", async () => {
    const r = repo();
    r.write("a.js", "x();\n").write("b.js", "y();\n").commit("base");
    r.write("a.js", "x();\ndebugger;\n").write("b.js", "y();\ndebugger;\n");
    r.git("add", "a.js", "b.js");
    const staged = await bgr(["review", "--staged", "--json", "b.js"], r.root);
    const report = JSON.parse(staged.stdout) as { files: string[] };
    assert.deepEqual(report.files, ["b.js"]);
  });
});
