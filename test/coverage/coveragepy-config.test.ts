// Reading `.coverage` on a real project: Debian's Flask package copied into a
// temp project with a small app, Jinja templates and the project's own
// coverage settings. bgr's totals must equal `coverage report`'s, file for
// file, with the settings in each of the files coverage.py reads.
import assert from "node:assert/strict";
import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { before, describe, it } from "node:test";
import { analyze, makeProject, run, runAllowingFailure, SYSTEM_PYTHON, totalsOf } from "./helpers.js";

const FLASK = "/usr/lib/python3/dist-packages/flask";

const APP = {
  "app.py": `import typing as t

from flask import Flask, render_template

if t.TYPE_CHECKING:
    from flask.wrappers import Response

app = Flask(__name__)


@app.route("/")
def index():
    return render_template("index.html", items=["a", "b"], user=None)


@app.route("/hello/<name>")
def hello(name):
    if name == "admin":  # pragma: no branch
        return "no"
    if name == "debug":
        raise NotImplementedError("later")
    return render_template("hello.html", name=name)


def unused():  # pragma: no cover
    return 1
`,
  "templates/index.html": "<ul>\n{% for item in items %}\n  <li>{{ item }}</li>\n{% endfor %}\n</ul>\n{% if user %}<p>{{ user }}</p>{% endif %}\n",
  "templates/hello.html": "<h1>Hello {{ name }}</h1>\n",
  "tests/test_app.py": `from app import app


def test_index():
    assert b"<li>a</li>" in app.test_client().get("/").data


def test_hello():
    assert b"Hello bob" in app.test_client().get("/hello/bob").data
`,
};

const REPORT_OPTIONS = {
  excludeLines: ["pragma: no cover", "if t.TYPE_CHECKING:", "raise NotImplementedError", "def __repr__"],
  omit: ["flask/__main__.py", "*/debughelpers.py"],
};

const CONFIGS: Record<string, string> = {
  "pyproject.toml": `[tool.coverage.run]
source = ["."]
branch = true
omit = ["tests/*"]

[tool.coverage.report]
exclude_lines = [
${REPORT_OPTIONS.excludeLines.map((p) => `    '''${p}''',`).join("\n")}
]
omit = ${JSON.stringify(REPORT_OPTIONS.omit)}
`,
  ".coveragerc": `[run]
source = .
branch = True
omit = tests/*

[report]
exclude_lines =
${REPORT_OPTIONS.excludeLines.map((p) => `    ${p}`).join("\n")}
omit =
    ${REPORT_OPTIONS.omit.join(",\n    ")}
`,
  "setup.cfg": `[metadata]
name = site

[coverage:run]
source = .
branch = True
omit = tests/*

[coverage:report]
# the project's own exclusions
exclude_lines =
${REPORT_OPTIONS.excludeLines.map((p) => `    ${p}`).join("\n")}
omit = ${REPORT_OPTIONS.omit.join(", ")}
`,
};

interface PyTotals {
  covered_lines: number;
  num_statements: number;
  num_branches: number;
  covered_branches: number;
}

function project(configFile: string): string {
  const root = makeProject({ ...APP, [configFile]: CONFIGS[configFile]! });
  cpSync(FLASK, path.join(root, "flask"), { recursive: true, filter: (src) => !src.includes("__pycache__") });
  run(SYSTEM_PYTHON, ["-m", "coverage", "run", "-m", "pytest", "-q", "-p", "no:cacheprovider"], root, { PYTHONDONTWRITEBYTECODE: "1" });
  return root;
}

/** coverage.py's own numbers, through `coverage json`, written outside the places bgr looks for reports. */
function coverageJson(root: string): { totals: PyTotals & { percent_covered_display: string }; files: Record<string, { summary: PyTotals }> } {
  const out = path.join(root, "reference.json");
  runAllowingFailure(SYSTEM_PYTHON, ["-m", "coverage", "json", "-q", "-o", out], root);
  const json = JSON.parse(readFileSync(out, "utf8")) as ReturnType<typeof coverageJson>;
  rmSync(out);
  return json;
}

for (const configFile of Object.keys(CONFIGS)) {
  describe(`.coverage read with the settings in ${configFile} equals \`coverage report\` (Flask from Debian, Jinja templates)`, () => {
    let root: string;
    let expected: ReturnType<typeof coverageJson>;
    let printed: string;
    before(() => {
      root = project(configFile);
      expected = coverageJson(root);
      printed = runAllowingFailure(SYSTEM_PYTHON, ["-m", "coverage", "report"], root);
    });

    it("the same files, totals and per-file counts", async () => {
      const result = await analyze(root, { reports: [".coverage"] });
      const totals = totalsOf(result);
      assert.deepEqual({ covered: totals.statements?.covered, total: totals.statements?.total }, { covered: expected.totals.covered_lines, total: expected.totals.num_statements });
      assert.deepEqual({ covered: totals.branches?.covered, total: totals.branches?.total }, { covered: expected.totals.covered_branches, total: expected.totals.num_branches });
      assert.equal(String(totals.combined?.pct), expected.totals.percent_covered_display);
      const total = printed.split("\n").find((l) => l.startsWith("TOTAL"))!;
      assert.equal(`${totals.combined?.pct}%`, total.trim().split(/\s+/).pop());
      const files = (result.data as { files: Array<{ file: string; statements: { covered: number; total: number }; branches?: { covered: number; total: number } }> }).files;
      assert.deepEqual(files.map((f) => f.file).sort(), Object.keys(expected.files).sort(), "templates and omitted files are left out");
      for (const file of files) {
        const summary = expected.files[file.file]!.summary;
        assert.deepEqual(
          [file.statements.covered, file.statements.total, file.branches?.covered ?? 0, file.branches?.total ?? 0],
          [summary.covered_lines, summary.num_statements, summary.covered_branches, summary.num_branches],
          file.file,
        );
      }
      assert.ok(result.errors.some((e) => /2 non-Python files .* left out/.test(e.message)), JSON.stringify(result.errors));
    });
  });
}

describe("exclude_also counts only for the coverage.py versions that know it (7.2+)", () => {
  it("6.5 data: ignored, as coverage.py 6.5 ignores it; 7.2 data: added to exclude_lines", async () => {
    // The same exclusions spelled as exclude_lines (which 6.5 honours) give the numbers exclude_also must give on 7.2 data.
    // Edited in place: the data file records absolute paths, which a copy would not share with the omit patterns.
    const root = project("pyproject.toml");
    const expected = coverageJson(root).totals;
    const text = readFileSync(path.join(root, "pyproject.toml"), "utf8");
    const [first, ...rest] = REPORT_OPTIONS.excludeLines;
    const moved = text.replace(/exclude_lines = \[[\s\S]*?\n\]/, `exclude_lines = ['''${first}''']\nexclude_also = [\n${rest.map((p) => `    '''${p}''',`).join("\n")}\n]`);
    writeFileSync(path.join(root, "pyproject.toml"), moved);
    const asRecorded = totalsOf(await analyze(root, { reports: [".coverage"] }));
    const ignoring = coverageJson(root).totals;
    assert.equal(asRecorded.statements?.total, ignoring.num_statements, "6.5 data: exclude_also ignored, as coverage.py 6.5 does");
    assert.notEqual(ignoring.num_statements, expected.num_statements);
    // Relabel the data file as written by coverage.py 7.4.
    const db = path.join(root, ".coverage");
    run(SYSTEM_PYTHON, ["-c", `import sqlite3; c = sqlite3.connect(${JSON.stringify(db)}); c.execute("update meta set value = '7.4.0' where key = 'version'"); c.commit()`], root);
    const newer = totalsOf(await analyze(root, { reports: [".coverage"] }));
    assert.deepEqual([newer.statements?.covered, newer.statements?.total, newer.branches?.covered, newer.branches?.total], [expected.covered_lines, expected.num_statements, expected.covered_branches, expected.num_branches]);
  });
});
