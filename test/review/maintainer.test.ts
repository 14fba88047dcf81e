// What is not the change's fault stays out of the review: a duplicate that
// existed before and was edited, complexity that was already over the limit
// and rose by one on a bug fix. And every message reads cleanly.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { code, counted, fileSpan, lineSpan, listed, signed } from "../../src/engines/code-review/messages.js";
import { branchChange, findingsOf, rules } from "./helpers.js";

/** A function whose cognitive complexity is 1 per `if` in `conditions` plus 2 per nested pair. */
function branchy(name: string, conditions: number, extra = ""): string {
  const lines = Array.from({ length: conditions }, (_, index) => `  if (flags[${index}] && ready) {\n    if (mode === ${index}) total += ${index};\n  }`);
  return `export function ${name}(flags, ready, mode) {\n  let total = 0;\n${lines.join("\n")}\n${extra}  return total;\n}\n`;
}

describe("complexity the change did not cause", () => {
  it("says nothing when an already too complex function gets one more condition (a bug fix)", async () => {
    const r = branchChange({ "src/calc.js": branchy("calc", 5) }, { "src/calc.js": branchy("calc", 5, "  if (total < 0) total = 0;\n") });
    const result = await r.review();
    assert.deepEqual(findingsOf(result, "review/complexity-increase"), [], rules(result).join(", "));
  });

  it("rates a raise of a function that was already far over the limit Low, unless the change alone adds a function's worth", async () => {
    const small = await branchChange({ "src/calc.js": branchy("calc", 10) }, { "src/calc.js": branchy("calc", 12) }).review();
    assert.deepEqual(findingsOf(small, "review/complexity-increase").map((f) => f.severity), ["Low"]);
    const large = await branchChange({ "src/calc.js": branchy("calc", 10) }, { "src/calc.js": branchy("calc", 14) }).review();
    assert.deepEqual(findingsOf(large, "review/complexity-increase").map((f) => f.severity), ["Medium"]);
  });

  it("rates pushing a function over the limit Low, and a big raise over it Medium", async () => {
    const crossed = await branchChange({ "src/calc.js": branchy("calc", 3) }, { "src/calc.js": branchy("calc", 4) }).review();
    assert.deepEqual(findingsOf(crossed, "review/complexity-increase").map((f) => f.severity), ["Low"]);
    const raised = await branchChange({ "src/calc.js": branchy("calc", 3) }, { "src/calc.js": branchy("calc", 8) }).review();
    const [finding] = findingsOf(raised, "review/complexity-increase");
    assert.equal(finding?.severity, "Medium");
    assert.match(finding!.message, /^`calc` \(lines 1-\d+\) now has cognitive complexity \d+ \(was \d+, \+\d+\), limit 15; cyclomatic complexity \d+ \(was \d+, \+\d+\), limit 10\.$/);
  });
});

const block = `export function normalise(records) {
  const out = [];
  for (const record of records) {
    if (!record || typeof record.id !== "number") continue;
    const name = String(record.name ?? "").trim().toLowerCase();
    const tags = Array.isArray(record.tags) ? record.tags.filter(Boolean) : [];
    out.push({ id: record.id, name, tags, seen: Date.now() });
  }
  return out.sort((a, b) => a.id - b.id);
}
`;

describe("one finding per cause", () => {
  it("folds a too complex function's length into its complexity finding", async () => {
    const r = branchChange({ "bgr.config.yaml": "review:\n  maxFunctionLines: 10\n", "src/a.js": "export const a = 1;\n" }, { "src/a.js": `export const a = 1;\n${branchy("calc", 5)}` });
    const result = await r.review();
    assert.deepEqual(findingsOf(result, "review/long-function"), []);
    const [finding] = findingsOf(result, "review/complex-function");
    assert.deepEqual(finding?.properties?.alsoReported, ["review/long-function"]);
    assert.match(finding!.message, /limit 10\. Also: `calc` spans 19 lines; the limit is 10\.$/);
  });
});

describe("duplicates the change did not create", () => {
  it("does not report a copy that existed before when the change edits one line of it", async () => {
    const r = branchChange(
      { "src/a.js": block, "src/b.js": block.replace("normalise", "normaliseAgain") },
      { "src/b.js": block.replace("normalise", "normaliseAgain").replace("toLowerCase()", "toLocaleLowerCase()") },
    );
    assert.deepEqual(findingsOf(await r.review(), "review/duplicate-code"), []);
  });

  it("reports a pasted copy with both ranges spelled out", async () => {
    const r = branchChange({ "src/a.js": block }, { "src/a.js": `${block}\n${block.replace("normalise", "again")}` });
    const [clone] = findingsOf(await r.review(), "review/duplicate-code");
    assert.ok(clone);
    assert.equal(clone.title, "10 duplicated lines in src/a.js");
    assert.equal(clone.message, "The change adds lines 12-21, which repeat lines 1-10 of the same file token for token.");
  });
});

describe("findings that are not about the shipped code", () => {
  it("does not ask for tests of a benchmark or a script", async () => {
    const r = branchChange({ "bench/speed.mjs": "console.log(1);\n", "src/a.js": "export const a = 1;\n" }, { "bench/speed.mjs": "console.log(2);\n" });
    assert.deepEqual(findingsOf(await r.review(), "review/no-tests"), []);
  });

  it("takes a TODO only from a comment, not from a string that spells one", async () => {
    const r = branchChange({ "src/a.js": "export const a = 1;\n" }, { "src/a.js": 'export const a = 1;\nexport const report = "# TODO: report";\n// TODO: split this module\n' });
    assert.deepEqual(findingsOf(await r.review(), "review/todo-added").map((f) => f.line), [3]);
  });

  it("rates a new flat switch that only cyclomatic complexity finds complex Low", async () => {
    const cases = Array.from({ length: 12 }, (_, index) => `    case ${index}: return "v${index}";`).join("\n");
    const r = branchChange({ "src/a.js": "export const a = 1;\n" }, { "src/a.js": `export const a = 1;\nexport function label(code) {\n  switch (code) {\n${cases}\n    default: return "";\n  }\n}\n` });
    assert.deepEqual(findingsOf(await r.review(), "review/complex-function").map((f) => f.severity), ["Low"]);
  });

  it("keeps a security finding in a test fixture, marked, without blocking the merge", async () => {
    const vulnerable = 'import sqlite3\nfrom flask import Flask, request\n\napp = Flask(__name__)\n\n\n@app.route("/u")\ndef user():\n    name = request.args.get("name")\n    return str(sqlite3.connect("db").execute(f"SELECT * FROM t WHERE a = \'{name}\'").fetchall())\n';
    const r = branchChange({ "README.md": "x\n" }, { "test/fixtures/app.py": vulnerable, "src/app.py": vulnerable });
    const result = await r.review();
    const sql = result.findings.filter((f) => f.cwe === 89).map((f) => [f.file, f.severity]);
    assert.deepEqual(sql, [["src/app.py", "High"], ["test/fixtures/app.py", "Info"]]);
    assert.match(result.findings.find((f) => f.file === "test/fixtures/app.py" && f.cwe === 89)!.title, /\(in a test fixture\)$/);
  });
});

describe("message templates", () => {
  it("spell ranges, counts and lists cleanly", () => {
    assert.equal(lineSpan(7), "line 7");
    assert.equal(lineSpan(304, 103), "lines 103-304");
    assert.equal(fileSpan("test/res.sendFile.js", 291, 304), "`test/res.sendFile.js` lines 291-304");
    assert.equal(counted(1, "function"), "1 function");
    assert.equal(counted(3, "class", "classes"), "3 classes");
    assert.equal(listed(["a"]), "a");
    assert.equal(listed(["a", "b", "c"]), "a, b and c");
    assert.equal(listed(["a", "b", "c", "d"], 2), "a, b and 2 more");
    assert.equal(code("a`b"), "`` a`b ``");
    assert.deepEqual([signed(2), signed(-1), signed(0)], ["+2", "−1", "±0"]);
  });

  it("never render garbled text in any finding of a change that trips many checks", async () => {
    const r = branchChange(
      { "src/a.js": block, "src/api.js": "export function load(id) {\n  return id;\n}\nexport function gone() {}\n", "lib/m.py": "def f(a, b=1):\n    return a\n" },
      {
        "src/a.js": `${block}\n${block.replace("normalise", "again")}\ndebugger;\ntry { x(); } catch (e) {}\n`,
        "src/api.js": "export function load(id, options) {\n  console.log(id);\n  return id;\n}\n",
        "lib/m.py": "def f(a, *, b=1):\n    try:\n        return a\n    except:\n        pass\n",
        "src/new.js": `export function big(flags) {\n${"  if (flags.a) { if (flags.b) { if (flags.c) { return 1; } } }\n".repeat(6)}  return 0;\n}\n`,
      },
    );
    const result = await r.review();
    assert.ok(result.findings.length >= 8, rules(result).join(", "));
    for (const finding of result.findings) {
      for (const text of [finding.title, finding.message, finding.recommendation]) {
        assert.doesNotMatch(text, /undefined|NaN|\bnull\b|\[object|\blines?\d|\s{2,}/, `${finding.ruleId}: ${text}`);
        for (const [, start, end] of text.matchAll(/lines (\d+)-(\d+)/g)) assert.ok(Number(start) <= Number(end), `${finding.ruleId}: backwards range in ${text}`);
      }
    }
  });
});
