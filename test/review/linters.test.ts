// The project's own Python linter folded into the review, for real: Debian's
// flake8 must be installed (CI installs it); without it these tests fail.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { before, describe, it } from "node:test";
import type { EngineResult } from "../../src/engines/types.js";
import { notesOf, repo } from "./helpers.js";


function flake8At(result: EngineResult): string[] {
  return result.findings.filter((f) => f.ruleId.startsWith("flake8/")).map((f) => `${f.ruleId}@${f.file}:${f.line}:${f.severity}`);
}

// An unused import on an untouched line (1) and one the change adds (line 2).
const BASE_PY = "import os\n\n\ndef total(xs):\n    return sum(xs)\n";
const CHANGED_PY = "import os\nimport sys\n\n\ndef total(xs):\n    return sum(xs)\n";

describe("flake8 folding", () => {
  before(() => {
    // Fail loudly, never skip, when the tool under test is missing.
    execFileSync("flake8", ["--version"], { stdio: "ignore" });
  });

  const configs: Array<[string, string]> = [
    [".flake8", "[flake8]\nmax-line-length = 100\n"],
    ["setup.cfg", "[metadata]\nname = demo\n\n[flake8]\nmax-line-length = 100\n"],
    ["tox.ini", "[tox]\nenvlist = py3\n\n[flake8]\nmax-line-length = 100\n"],
  ];
  for (const [configFile, configText] of configs) {
    it(`runs when ${configFile} configures it, keeping the unused import on the changed line only`, async () => {
      const r = repo();
      r.write(configFile, configText).write("pkg/calc.py", BASE_PY).commit("base");
      r.git("checkout", "-q", "-b", "feature");
      r.write("pkg/calc.py", CHANGED_PY).commit("import sys");
      const result = await r.review({ allowExec: true });
      assert.deepEqual(flake8At(result), ["flake8/F401@pkg/calc.py:2:Low"]);
      assert.match(notesOf(result), /flake8: ran on 1 file\(s\)/);
    });
  }

  it("applies the project's flake8 settings (an ignored code is not reported)", async () => {
    const r = repo();
    r.write(".flake8", "[flake8]\nextend-ignore = F401\n").write("pkg/calc.py", BASE_PY).commit("base");
    r.git("checkout", "-q", "-b", "feature");
    r.write("pkg/calc.py", CHANGED_PY).commit("import sys");
    assert.deepEqual(flake8At(await r.review({ allowExec: true })), []);
  });

  it("rates bug codes Medium: an undefined name on a changed line", async () => {
    const r = repo();
    r.write(".flake8", "[flake8]\n").write("pkg/calc.py", "def total(xs):\n    return sum(xs)\n").commit("base");
    r.git("checkout", "-q", "-b", "feature");
    r.write("pkg/calc.py", "def total(xs):\n    return sum(xs) + offset\n").commit("offset");
    assert.deepEqual(flake8At(await r.review({ allowExec: true })), ["flake8/F821@pkg/calc.py:2:Medium"]);
  });

  it("is not run without a flake8 configuration, nor without --allow-exec", async () => {
    const r = repo();
    r.write("pkg/calc.py", BASE_PY).commit("base");
    r.git("checkout", "-q", "-b", "feature");
    r.write("pkg/calc.py", CHANGED_PY).commit("import sys");
    const unconfigured = await r.review({ allowExec: true });
    assert.deepEqual(flake8At(unconfigured), []);
    assert.doesNotMatch(notesOf(unconfigured), /flake8/);
    r.write(".flake8", "[flake8]\n").commit("configure flake8");
    r.write("pkg/calc.py", CHANGED_PY + "import json\n").commit("import json");
    const noExec = await r.review({ allowExec: false });
    assert.deepEqual(flake8At(noExec), []);
    assert.match(notesOf(noExec), /Linters: flake8 \(\.flake8\) configured but not run: .*pass --allow-exec \(MCP: allowExec: true\)/);
  });

  it("turns a configured flake8 that cannot run into a note, not a failure", async () => {
    const r = repo();
    // flake8 refuses a non-numeric max-line-length and exits non-zero.
    r.write(".flake8", "[flake8]\nmax-line-length = wide\n").write("pkg/calc.py", BASE_PY).commit("base");
    r.git("checkout", "-q", "-b", "feature");
    r.write("pkg/calc.py", CHANGED_PY).commit("import sys");
    const result = await r.review({ allowExec: true });
    assert.equal(result.blockers, undefined);
    assert.deepEqual(result.errors, []);
    assert.deepEqual(flake8At(result), []);
    assert.match(notesOf(result), /flake8: configured but could not run \(.+\)/);
    assert.ok(result.findings.some((f) => f.ruleId === "review/no-tests"), "the review's own checks still ran");
  });
});
