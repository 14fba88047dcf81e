// A review that has nothing to look at says so instead of approving, bgr's
// own .agents/ folder is never "the change", and unresolved conflicts block.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { conflictBlocks } from "../../src/engines/code-review/checks/conflicts.js";
import { findingsOf, repo, rules } from "./helpers.js";

describe("bgr's own files", () => {
  it("does not count .agents/ (an audit's cache, reports) as a change: on main it reviews the last commit", async () => {
    const r = repo();
    r.write("src/a.js", "export const a = 1;\n").commit("base");
    r.write("src/a.js", "export const a = 1;\ndebugger;\n").commit("a debugger slipped in");
    // What `bgr audit` leaves behind, with nothing ignoring it.
    r.write(".agents/cache/security-audit/index.json", "{}\n").write(".agents/reports/20260101-000000-x.md", "# TODO: report\n");
    const result = await r.review();
    assert.equal((result.data?.change as { mode: string }).mode, "range");
    assert.deepEqual(rules(result), ["review/leftover-debug", "review/no-tests"]);
    assert.deepEqual(result.filesAnalyzed, ["src/a.js"]);
  });

  it("answers nothing to review, never approve, when only .agents/ changed on a branch", async () => {
    const r = repo();
    r.write("src/a.js", "export const a = 1;\n").commit("base");
    r.git("checkout", "-q", "-b", "feature");
    r.write(".agents/sessions/s.md", "---\nx: 1\n---\n").commit("a session file committed");
    const result = await r.review();
    assert.equal(result.data?.verdict, "nothing to review");
    assert.deepEqual(result.findings, []);
    assert.match(result.summary, /^Nothing to review: HEAD \(feature\) does not differ from main \(merge-base [0-9a-f]{12}\) \(bgr's \.agents\/ and the configured exclude paths do not count\)/);
    assert.doesNotMatch(result.summary, /approve/);
  });

  it("answers nothing to review for --staged with nothing staged, and for an empty --base range", async () => {
    const r = repo();
    r.write("a.js", "x();\n").commit("base");
    r.write("a.js", "x();\ndebugger;\n");
    const staged = await r.review({ staged: true });
    assert.equal(staged.data?.verdict, "nothing to review");
    assert.match(staged.summary, /nothing is staged: stage the change with git add, or review the working tree without --staged/);
    const empty = await r.review({ base: "HEAD", head: "HEAD" });
    assert.equal(empty.data?.verdict, "nothing to review");
  });
});

describe("conflict markers", () => {
  it("finds only complete blocks, diff3 style included, and not a reStructuredText underline", () => {
    const lines = ["Title", "=======", "<<<<<<< HEAD", "a", "||||||| base", "o", "=======", "b", ">>>>>>> topic", "<<<<<<< never closed", "x"];
    assert.deepEqual(conflictBlocks(lines), [{ start: 3, end: 9 }]);
  });

  it("blocks a mid-rebase working tree whose file is full of conflict markers", async () => {
    const r = repo();
    r.write("src/app.py", "def greet():\n    return 'hello'\n").write("tests/test_app.py", "def test_greet():\n    pass\n").commit("base");
    r.git("checkout", "-q", "-b", "topic");
    r.write("src/app.py", "def greet():\n    return 'hello, topic'\n").commit("topic wording");
    r.git("checkout", "-q", "main");
    r.write("src/app.py", "def greet():\n    return 'hello, main'\n").commit("main wording");
    r.git("checkout", "-q", "topic");
    assert.throws(() => r.git("rebase", "main"), "the rebase stops on the conflict");
    const result = await r.review();
    const [conflict] = findingsOf(result, "review/conflict-marker");
    assert.ok(conflict, `a conflict finding among ${rules(result).join(", ")}`);
    assert.equal(conflict.severity, "High");
    assert.equal(conflict.file, "src/app.py");
    assert.equal(conflict.line, 2);
    assert.match(conflict.message, /^src\/app\.py still holds 1 conflict block \(lines 2-6\)/);
    assert.equal(result.data?.verdict, "request changes");
  });

  it("blocks conflict markers committed by mistake", async () => {
    const r = repo();
    r.write("README.md", "# demo\n").commit("base");
    r.git("checkout", "-q", "-b", "feature");
    r.write("config.js", "export const port =\n<<<<<<< HEAD\n  8080;\n=======\n  9090;\n>>>>>>> other\n").commit("merge gone wrong");
    const result = await r.review();
    assert.deepEqual(findingsOf(result, "review/conflict-marker").map((f) => [f.line, f.endLine]), [[2, 6]]);
    assert.equal(result.data?.verdict, "request changes");
  });
});
