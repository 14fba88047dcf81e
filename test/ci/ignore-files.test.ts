// Other tools' ignore files (and .bgrignore) narrow what every engine reads.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, realpath, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { banditIniExcludes, banditToGitignore, readIgnoreFiles } from "../../src/runtime/ignore-files.js";
import { bgr } from "../cli/helpers.js";

const VULNERABLE = `from flask import request\n\ndef calc():\n    return str(eval(request.args["expr"]))\n`;

async function workspace(files: Record<string, string>): Promise<string> {
  const root = await realpath(await mkdtemp(path.join(tmpdir(), "bgr-ignore-")));
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await writeFile(path.join(root, rel), text);
  }
  return root;
}

async function auditedFiles(root: string): Promise<string[]> {
  const out = await bgr(["audit", "--json"], { cwd: root });
  assert.equal(out.code, 0, out.stderr);
  return [...new Set((JSON.parse(out.stdout).findings as Array<{ file: string }>).map((f) => f.file))].sort();
}

test("each ignore file alone keeps its paths out of the audit", async () => {
  const base = { "app/views.py": VULNERABLE, "tests/test_views.py": VULNERABLE, "legacy/lib.py": VULNERABLE, "deep/tests/x.py": VULNERABLE };
  const all = ["app/views.py", "deep/tests/x.py", "legacy/lib.py", "tests/test_views.py"];
  assert.deepEqual(await auditedFiles(await workspace(base)), all);
  assert.deepEqual(await auditedFiles(await workspace({ ...base, ".bgrignore": "# ours\nlegacy/\n" })), ["app/views.py", "deep/tests/x.py", "tests/test_views.py"]);
  assert.deepEqual(
    await auditedFiles(await workspace({ ...base, ".semgrepignore": ":include .gitignore\ntests/\n", ".gitignore": "legacy/\n" })),
    ["app/views.py"],
  );
  // Bandit: "tests" is any directory of that name, "./legacy" only the one at the root.
  assert.deepEqual(await auditedFiles(await workspace({ ...base, ".bandit": "[bandit]\nexclude = tests,./legacy\nskips = B101\n" })), ["app/views.py"]);
  assert.deepEqual(
    await auditedFiles(await workspace({ ...base, "pyproject.toml": '[project]\nname = "x"\n\n[tool.bandit]\nexclude_dirs = ["./tests", "legacy"]\nskips = ["B101"]\n' })),
    ["app/views.py", "deep/tests/x.py"],
  );
});

test("order: .semgrepignore, Bandit, .bgrignore, then the config's exclude; a later ! re-includes", async () => {
  const root = await workspace({
    "app/views.py": VULNERABLE,
    "tests/test_views.py": VULNERABLE,
    "legacy/lib.py": VULNERABLE,
    ".semgrepignore": "tests/\nlegacy/\n",
    ".bandit": "[bandit]\nexclude_dirs: ./app\n",
    ".bgrignore": "!tests/\n",
    "pyproject.toml": '[tool.bandit]\nexclude_dirs = ["legacy"]\n',
    "bgr.config.yaml": "exclude:\n  - '!app/'\n",
  });
  const sources = await readIgnoreFiles(root);
  assert.deepEqual(sources.map((s) => s.file), [".semgrepignore", ".bandit", "pyproject.toml", ".bgrignore"]);
  assert.deepEqual(sources.map((s) => s.patterns), [["tests/", "legacy/"], ["/app"], ["legacy"], ["!tests/"]]);
  assert.deepEqual(await auditedFiles(root), ["app/views.py", "tests/test_views.py"]);
});

test("bandit entries become gitignore lines; .bandit may be INI (multi-line values) or YAML", () => {
  assert.equal(banditToGitignore("./tests", "/w"), "/tests");
  assert.equal(banditToGitignore("tests", "/w"), "tests");
  assert.equal(banditToGitignore("\\static", "/w"), "/static");
  assert.equal(banditToGitignore("/w/build", "/w"), "/build");
  assert.equal(banditToGitignore("/elsewhere/build", "/w"), undefined);
  assert.equal(banditToGitignore("*/migrations/*", "/w"), "*/migrations/*");
  assert.deepEqual(banditIniExcludes("[other]\nexclude = nope\n[bandit]\nexclude =\n  ./a,\n  b\ntests = B201\n").map((s) => s.trim()).filter(Boolean), ["./a", "b"]);
  assert.deepEqual(banditIniExcludes("exclude_dirs: ['build', 'docs']\nskips: [B101]\n"), ["build", "docs"]);
});

test("a broken ignore file is exit 2 naming the file", async () => {
  const toml = await bgr(["audit"], { cwd: await workspace({ "a.py": VULNERABLE, "pyproject.toml": "[tool.bandit]\nexclude_dirs = [\n" }) });
  assert.equal(toml.code, 2, toml.stderr);
  assert.match(toml.stderr, /^bgr: pyproject\.toml: cannot parse, .*: fix the syntax\n$/);
  const include = await bgr(["audit"], { cwd: await workspace({ "a.py": VULNERABLE, ".semgrepignore": ":include ../../etc/passwd\n" }) });
  assert.equal(include.code, 2, include.stderr);
  assert.match(include.stderr, /^bgr: \.semgrepignore: ":include \.\.\/\.\.\/etc\/passwd" names a file outside the workspace/);
  const wrongType = await bgr(["audit"], { cwd: await workspace({ "a.py": VULNERABLE, "pyproject.toml": "[tool.bandit]\nexclude_dirs = 3\n" }) });
  assert.equal(wrongType.code, 2, wrongType.stderr);
  assert.match(wrongType.stderr, /pyproject\.toml \[tool\.bandit\] exclude_dirs: expected a list of paths/);
});

test("review and coverage read the same ignore files", async () => {
  const root = await workspace({
    "src/a.js": "export function a(x) {\n  if (x) return 1;\n  return 2;\n}\n",
    "gen/b.js": "export function b() {\n  return 1;\n}\n",
    "coverage/lcov.info": "TN:\nSF:src/a.js\nDA:1,1\nDA:2,1\nDA:3,0\nLF:3\nLH:2\nend_of_record\n",
    ".bgrignore": "gen/\n",
  });
  const out = await bgr(["coverage", "--json"], { cwd: root });
  assert.equal(out.code, 0, out.stderr);
  assert.ok(!out.stdout.includes("gen/b.js"), "an ignored source is not reported as missing coverage data");
});
