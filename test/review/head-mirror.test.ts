// When the reviewed side is not what is on disk (a branch that is not checked
// out, commits with uncommitted edits on top, the index with unstaged edits),
// the security engine and the linters still see the reviewed text, at the
// reviewed line numbers, with the reviewed side's lint config.
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { existsSync, readFileSync, symlinkSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { before, describe, it } from "node:test";
import type { EngineResult } from "../../src/engines/types.js";
import { notesOf, repo, TestRepo } from "./helpers.js";


function external(result: EngineResult): string[] {
  return result.findings.filter((f) => !f.ruleId.startsWith("review/")).map((f) => `${f.ruleId}@${f.file}:${f.line}`);
}

/** Review with a log collector; returns the result and the mirror directory the log named, if any. */
async function reviewLogged(r: TestRepo, options: Record<string, unknown>): Promise<{ result: EngineResult; mirror?: string }> {
  const logs: string[] = [];
  const result = await r.review(options, [], (message) => logs.push(message));
  const mirror = logs.map((line) => /run on a mirror of .*: (\S+)$/.exec(line)?.[1]).find(Boolean);
  return { result, mirror };
}

const ROUTE = `import sqlite3
from flask import Flask, request

app = Flask(__name__)


@app.route("/find")
def find():
    name = request.args.get("name")
    return str(sqlite3.connect("db").execute(f"SELECT * FROM t WHERE a = '{name}'").fetchall())
`;

// A project-local ESLint plugin the config imports by relative path.
const LOCAL_PLUGIN = `export default {
  rules: {
    "no-answer": {
      meta: { type: "problem", messages: { answer: "no magic 42" } },
      create(context) {
        return { Literal(node) { if (node.value === 42) context.report({ node, messageId: "answer" }); } };
      },
    },
  },
};
`;
const LOCAL_PLUGIN_CONFIG = `import local from "./tools/eslint-local.mjs";
export default [{ files: ["**/*.js"], plugins: { local }, rules: { eqeqeq: "error", "local/no-answer": "error" } }];
`;

describe("reviewing a side that is not on disk", () => {
  before(() => {
    execFileSync("flake8", ["--version"], { stdio: "ignore" });
  });

  it("reviews a branch that is not checked out: security and flake8 findings at the branch's lines", async () => {
    const r = repo();
    r.write(".flake8", "[flake8]\nmax-line-length = 200\n").write("app.py", "import os\n").commit("base");
    r.git("checkout", "-q", "-b", "feature");
    r.write("app.py", `import os\nimport sys\n${ROUTE}`).commit("find route");
    r.git("checkout", "-q", "main");

    const { result, mirror } = await reviewLogged(r, { head: "feature", allowExec: true });
    assert.equal(result.blockers, undefined);
    assert.match(String((result.data?.change as { headLabel: string }).headLabel), /^feature \(/);
    const found = external(result);
    assert.ok(found.some((f) => /@app\.py:12$/.test(f) && !f.startsWith("flake8/")), `SQL injection at app.py:12 in ${found.join(", ")}`);
    // The unused `import os` on untouched line 1 is dropped; the added `import sys` is kept.
    assert.deepEqual(found.filter((f) => f.startsWith("flake8/")), ["flake8/F401@app.py:2"]);
    assert.match(notesOf(result), /Security engine: ran on 1 changed file\(s\) \(the reviewed versions, from a temporary copy; 1 file\(s\) differ from the working tree\)/);
    assert.match(notesOf(result), /flake8: ran on 1 file\(s\) \(the reviewed versions/);
    assert.equal(readFileSync(path.join(r.root, "app.py"), "utf8"), "import os\n", "the checked-out branch is untouched");
    assert.ok(mirror && !existsSync(mirror), "the temporary mirror is removed after the review");
  });

  it("lints committed lines, not the uncommitted edits above them, with the committed ESLint config and its local plugin", async () => {
    const eslintPackage = createRequire(import.meta.url).resolve("eslint/package.json");
    const r = repo();
    r.write(".gitignore", "node_modules\n");
    r.write("eslint.config.mjs", LOCAL_PLUGIN_CONFIG);
    r.write("tools/eslint-local.mjs", LOCAL_PLUGIN);
    r.write("src/a.js", "let old = 1;\nif (old === 2) {}\n").commit("base");
    symlinkSync(path.resolve(path.dirname(eslintPackage), ".."), path.join(r.root, "node_modules"), "dir");
    r.git("checkout", "-q", "-b", "feature");
    r.write("src/a.js", "let old = 1;\nif (old === 2) {}\nif (old == 3) {}\nexport const answer = 42;\n").commit("loose comparison");
    // Uncommitted: two lines pushed on top, and every rule switched off in the working tree's config.
    r.write("src/a.js", "// one\n// two\nlet old = 1;\nif (old === 2) {}\nif (old == 3) {}\nexport const answer = 42;\n");
    r.write("eslint.config.mjs", "export default [];\n");

    const { result, mirror } = await reviewLogged(r, { allowExec: true });
    assert.equal((result.data?.change as { mode: string }).mode, "range");
    assert.deepEqual(external(result), ["eslint/eqeqeq@src/a.js:3", "eslint/local/no-answer@src/a.js:4"]);
    assert.match(notesOf(result), /ESLint: ran with eslint\.config\.mjs on 1 file\(s\) \(the reviewed versions/);
    assert.ok(mirror && !existsSync(mirror));
    // Removing the mirror removed its links, never what they point at.
    assert.ok(existsSync(path.join(r.root, "node_modules", "eslint", "package.json")));
    assert.equal(readFileSync(path.join(r.root, "tools/eslint-local.mjs"), "utf8"), LOCAL_PLUGIN);
  });

  it("reviews the index, not the unstaged edits on top of it", async () => {
    const r = repo();
    r.write(".flake8", "[flake8]\n").write("pkg/m.py", "def f():\n    return 1\n").commit("base");
    r.write("pkg/m.py", "import sys\n\n\ndef f():\n    return 1\n");
    r.git("add", "pkg/m.py");
    r.write("pkg/m.py", "def f():\n    return 1\n\n\ndef g():\n    return 2\n");

    const { result } = await reviewLogged(r, { staged: true, allowExec: true });
    assert.deepEqual(external(result), ["flake8/F401@pkg/m.py:1"]);
  });

  it("runs in the workspace itself when it holds the reviewed text", async () => {
    const r = repo();
    r.write(".flake8", "[flake8]\n").write("pkg/m.py", "def f():\n    return 1\n").commit("base");
    r.git("checkout", "-q", "-b", "feature");
    r.write("pkg/m.py", "import sys\n\n\ndef f():\n    return 1\n").commit("sys");
    const { result, mirror } = await reviewLogged(r, { allowExec: true });
    assert.equal(mirror, undefined);
    assert.deepEqual(external(result), ["flake8/F401@pkg/m.py:1"]);
    assert.match(notesOf(result), /flake8: ran on 1 file\(s\)\.$/m);
  });
});

describe("--head", () => {
  it("reviews the named commit's own change when it is on the default branch", async () => {
    const r = repo();
    r.write("a.js", "x();\n").commit("base");
    const second = r.write("a.js", "x();\ndebugger;\n").commit("second");
    r.write("a.js", "x();\n").commit("third undoes it");
    const result = await r.review({ head: second });
    assert.deepEqual(result.findings.filter((f) => f.ruleId === "review/leftover-debug").map((f) => f.line), [2]);
    assert.match(String((result.data?.change as { baseLabel: string }).baseLabel), /\^ \(/);
  });

  it("bgr review --head REF reviews that branch from the command line", async () => {
    const r = repo();
    r.write("a.js", "x();\n").commit("base");
    r.git("checkout", "-q", "-b", "topic");
    r.write("a.js", "x();\ndebugger;\n").commit("topic");
    r.git("checkout", "-q", "main");
    const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../src/cli/main.js");
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, [cli, "review", "--head", "topic", "--format", "json", "--no-exec"], { cwd: r.root }, (error, out, err) => (error ? reject(new Error(err || error.message)) : resolve(out)));
    });
    const report = JSON.parse(stdout) as { findings: Array<{ ruleId: string; file: string; line: number }>; files: string[] };
    assert.deepEqual(report.files, ["a.js"]);
    assert.ok(report.findings.some((f) => f.ruleId === "review/leftover-debug" && f.line === 2));
  });

  it("ends with a clear blocker for an unknown ref or when combined with --staged", async () => {
    const r = repo();
    r.write("a.js", "x();\n").commit("base");
    assert.match((await r.review({ head: "nope" })).blockers?.[0] ?? "", /--head "nope" does not name a commit/);
    assert.match((await r.review({ head: "main", staged: true })).blockers?.[0] ?? "", /--head and --staged cannot be combined/);
  });
});
