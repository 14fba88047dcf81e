// Each review check on a real change, and the rule every check obeys:
// nothing is reported on lines the change did not add.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { branchChange, findingsOf, repo, rules } from "./helpers.js";

const changed = branchChange;

const complexBody = `  if (a) {
    for (const x of b) {
      if (x && a || b) {
        while (x) { if (b) { x--; } }
      } else if (b) {
        if (a) { return 1; }
      } else {
        return 2;
      }
    }
  }
  return 0;
`;

describe("structure checks", () => {
  it("reports a raised complexity at the first changed line, with before/after", async () => {
    const r = changed(
      { "src/calc.js": "export function calc(a, b) {\n  return a;\n}\n" },
      { "src/calc.js": `export function calc(a, b) {\n${complexBody}}\n` },
    );
    const [finding] = findingsOf(await r.review(), "review/complexity-increase");
    assert.ok(finding);
    assert.equal(finding.line, 2);
    assert.equal(finding.severity, "Medium");
    // if 1, for 2, if 3 + && || 2, while 4, if 5, else-if 1, if 4, else 1
    assert.deepEqual(finding.properties?.cognitive, { before: 0, after: 23 });
  });

  it("says nothing about a complex function the change did not touch", async () => {
    const legacy = `export function legacy(a, b) {\n${complexBody}}\n`;
    const r = changed({ "src/calc.js": legacy + "export const small = () => 1;\n" }, { "src/calc.js": legacy + "export const small = () => 2;\n" });
    const result = await r.review();
    assert.deepEqual(findingsOf(result, "review/complexity-increase"), []);
    assert.deepEqual(findingsOf(result, "review/deep-nesting"), []);
  });

  it("flags long parameter lists, deep nesting, long functions and long files, with config thresholds", async () => {
    const body = Array.from({ length: 12 }, (_, i) => `  total += ${i};`).join("\n");
    const r = changed(
      { "bgr.config.yaml": "review:\n  maxFunctionLines: 10\n  maxFileLines: 15\n  maxNesting: 2\n", "src/m.ts": "export const x = 1;\n" },
      {
        "src/m.ts": `export const x = 1;\nexport function many(a: number, b: number, c: number, d: number, e: number, f: number): number {\n  let total = 0;\n${body}\n  if (a) { if (b) { if (c) { total++; } } }\n  return total;\n}\n`,
      },
    );
    const result = await r.review();
    assert.equal(findingsOf(result, "review/long-parameter-list")[0]?.line, 2);
    assert.equal(findingsOf(result, "review/deep-nesting")[0]?.line, 16);
    assert.equal(findingsOf(result, "review/long-function").length, 1);
    assert.equal(findingsOf(result, "review/long-file").length, 1);
  });

  it("refuses a bad threshold with a message naming the key", async () => {
    const r = changed({ "bgr.config.yaml": "review:\n  maxNesting: -1\n" }, { "a.js": "x();\n" });
    await assert.rejects(r.review(), /review\.maxNesting/);
  });
});

describe("leftovers", () => {
  it("finds debugging output, breakpoints, focused and skipped tests, commented-out code, TODOs on added lines only", async () => {
    const r = changed(
      {
        "src/app.js": "export function run() {\n  console.log('already here');\n  return 1;\n}\n",
        "svc/job.py": "def job():\n    return 1\n",
        "test/app.test.js": "it('runs', () => {});\n",
      },
      {
        "src/app.js": "export function run() {\n  console.log('already here');\n  debugger;\n  console.debug('new');\n  // const retries = computeRetries(config);\n  // Explain why we return one.\n  // TODO: remove the fallback\n  return 1;\n}\n",
        "svc/job.py": "import pdb\n\ndef job():\n    print('x')\n    breakpoint()\n    # FIXME: slow\n    return 1\n",
        "test/app.test.js": "it('runs', () => {});\nit.only('focus', () => {});\nxit('later', () => {});\ndescribe.skip('off', () => {});\n",
        "bin/tool.js": "console.log('usage: tool');\n",
      },
    );
    const result = await r.review();
    const at = (rule: string) => findingsOf(result, rule).map((f) => `${f.file}:${f.line}`).sort();
    assert.deepEqual(at("review/leftover-debug"), ["src/app.js:3", "src/app.js:4", "svc/job.py:1", "svc/job.py:4", "svc/job.py:5"]);
    assert.deepEqual(at("review/focused-test"), ["test/app.test.js:2"]);
    assert.equal(findingsOf(result, "review/focused-test")[0]!.severity, "High");
    assert.deepEqual(at("review/skipped-test"), ["test/app.test.js:3", "test/app.test.js:4"]);
    assert.deepEqual(at("review/commented-out-code"), ["src/app.js:5"]);
    assert.deepEqual(at("review/todo-added"), ["src/app.js:7", "svc/job.py:6"]);
  });
});

describe("error handling", () => {
  it("flags swallowed errors in JavaScript and Python, not handled or commented ones", async () => {
    const r = changed(
      { "src/io.js": "export const a = 1;\n", "src/io.py": "A = 1\n" },
      {
        "src/io.js": `export const a = 1;
try { load(); } catch (e) {}
try { load(); } catch (e) { /* optional file: absence is fine */ }
fetchIt().catch(() => {});
fetchIt().catch((error) => report(error));
fs.readFile("x", (err, data) => use(data));
fs.readFile("x", (err, data) => { if (err) throw err; use(data); });
`,
        "src/io.py": `import subprocess
A = 1
try:
    load()
except ValueError:
    pass
try:
    load()
except:
    log()
try:
    load()
except OSError as error:
    log(error)
subprocess.call(["make"])
subprocess.run(["make"], check=True)
`,
      },
    );
    const result = await r.review();
    const at = (rule: string) => findingsOf(result, rule).map((f) => `${f.file}:${f.line}`).sort();
    assert.deepEqual(at("review/empty-catch"), ["src/io.js:2", "src/io.py:5"]);
    assert.deepEqual(at("review/bare-except"), ["src/io.py:9"]);
    assert.deepEqual(at("review/swallowed-rejection"), ["src/io.js:4"]);
    assert.deepEqual(at("review/ignored-error"), ["src/io.js:6", "src/io.py:15"]);
  });
});

describe("risky changes", () => {
  it("reports changed and removed exported signatures", async () => {
    const r = changed(
      { "lib/api.ts": "export function fetchUser(id: string) {\n  return id;\n}\nexport function drop() {}\nfunction internal(a: number) { return a; }\n" },
      { "lib/api.ts": "export function fetchUser(id: string, opts: Options) {\n  return id;\n}\nfunction internal(a: number, b: number) { return a + b; }\n" },
    );
    const result = await r.review();
    const changedSig = findingsOf(result, "review/exported-signature-changed");
    assert.equal(changedSig.length, 1, "internal functions are not API");
    assert.equal(changedSig[0]!.line, 1);
    assert.equal(changedSig[0]!.message, "Calls written for the old signature can fail: `fetchUser` (adds required argument `opts`).");
    assert.deepEqual(changedSig[0]!.properties?.functions, [{ name: "fetchUser", line: 1, before: "(id: string)", after: "(id: string, opts: Options)", reasons: ["adds required argument `opts`"] }]);
    assert.equal(findingsOf(result, "review/export-removed")[0]?.line, 0);
  });

  it("reports deleted test files and removed test cases, and blocks the merge", async () => {
    const r = changed(
      { "src/x.py": "def f():\n    return 1\n", "tests/test_x.py": "def test_a():\n    pass\n\ndef test_b():\n    pass\n", "test/old.test.js": "it('a', () => {});\n" },
      { "tests/test_x.py": "def test_a():\n    assert True\n", "test/old.test.js": null },
    );
    const result = await r.review();
    const deleted = findingsOf(result, "review/test-deleted").map((f) => f.file).sort();
    assert.deepEqual(deleted, ["test/old.test.js", "tests/test_x.py"]);
    assert.equal(result.data?.verdict, "request changes");
  });

  it("reports a lockfile changed alone, not one changed with its manifest", async () => {
    const alone = changed({ "package.json": "{}\n", "package-lock.json": "{}\n" }, { "package-lock.json": '{"v":2}\n' });
    assert.deepEqual(rules(await alone.review()), ["review/lockfile-without-manifest"]);
    const together = changed({ "package.json": "{}\n", "package-lock.json": "{}\n" }, { "package.json": '{"d":1}\n', "package-lock.json": '{"v":2}\n' });
    assert.deepEqual(findingsOf(await together.review(), "review/lockfile-without-manifest"), []);
  });

  it("reports committed build output and binaries", async () => {
    const r = changed({ "README.md": "x\n" }, { "dist/bundle.js": "var a=1;\n", "assets/logo.png": "\x89PNG\x00\x01" });
    const result = await r.review();
    assert.deepEqual(findingsOf(result, "review/generated-file").map((f) => f.file), ["dist/bundle.js"]);
    assert.deepEqual(findingsOf(result, "review/binary-file").map((f) => f.file), ["assets/logo.png"]);
  });

  it("takes a generated-file marker only from a comment at the top, not from code mentioning one", async () => {
    const r = changed(
      { "README.md": "x\n" },
      { "src/gen.ts": "// @generated by protoc. DO NOT EDIT.\nexport const a = 1;\n", "src/walk.ts": 'const MARKERS = /@generated|DO NOT EDIT/;\nexport const b = MARKERS;\n' },
    );
    assert.deepEqual(findingsOf(await r.review(), "review/generated-file").map((f) => f.file), ["src/gen.ts"]);
  });

  it("treats a fake key in a test file as Low, not a merge blocker", async () => {
    const r = changed({ "test/a.test.js": "it('a', () => {});\n" }, { "test/a.test.js": "it('a', () => {});\nconst key = 'AKIAIOSFODNN7EXAMPLE';\n" });
    const result = await r.review();
    assert.equal(findingsOf(result, "review/secret")[0]?.severity, "Low");
    assert.notEqual(result.data?.verdict, "request changes");
  });

  it("reports secrets on added lines with the value redacted, and ignores placeholders", async () => {
    const r = changed(
      { "config.py": "DEBUG = False\n", "bgr.config.yaml": "review:\n  security: false\n" },
      { "config.py": 'DEBUG = False\nAWS_KEY = "AKIAIOSFODNN7REALKEY"\npassword = "changeme-later"\napi_key = "9f8e7d6c5b4a39281"\n' },
    );
    const result = await r.review();
    const secrets = findingsOf(result, "review/secret");
    assert.deepEqual(secrets.map((f) => [f.line, f.severity]), [[2, "High"], [4, "Medium"]]);
    assert.ok(secrets.every((f) => !f.snippet?.includes("AKIAIOSFODNN7REALKEY") && !f.snippet?.includes("9f8e7d6c5b4a39281")));
    assert.equal(secrets[0]!.cwe, 798);
  });
});

describe("tests accompanying the change", () => {
  it("notes source changed without tests, and new exports no test mentions", async () => {
    const r = changed(
      { "src/lib.js": "export function old() {}\n", "test/lib.test.js": "import { old, covered } from '../src/lib.js';\n" },
      { "src/lib.js": "export function old() {}\nexport function covered() {}\nexport function lonely() {}\n" },
    );
    const result = await r.review();
    assert.equal(findingsOf(result, "review/no-tests").length, 1);
    assert.deepEqual(findingsOf(result, "review/untested-export").map((f) => f.line), [3]);
  });

  it("folds untested exports past the threshold into one finding that keeps every name", async () => {
    const exportsOf = (names: string[]) => names.map((name) => `export function ${name}() {}\n`).join("");
    const many = Array.from({ length: 11 }, (_, i) => `helper${i}`);
    const r = changed(
      { "src/lib.js": exportsOf(["old"]), "test/lib.test.js": "import { old, helper3 } from '../src/lib.js';\n" },
      { "src/lib.js": exportsOf(["old", ...many]), "src/more.js": exportsOf(["extraOne"]) },
    );
    const [folded, ...rest] = findingsOf(await r.review(), "review/untested-export");
    assert.deepEqual(rest, [], "one finding, not eleven");
    assert.equal(folded!.title, "11 new exported functions have no test");
    assert.equal(`${folded!.file}:${folded!.line}`, "src/lib.js:2");
    assert.match(folded!.message, /in 2 file\(s\).*`helper0`, `helper1`, `helper2`, `helper4`/);
    const listed = folded!.properties?.functions as Array<{ name: string; file: string; line: number }>;
    assert.deepEqual(
      listed.map((entry) => `${entry.name}@${entry.file}:${entry.line}`),
      [...many.filter((name) => name !== "helper3").map((name) => `${name}@src/lib.js:${Number(name.slice(6)) + 2}`), "extraOne@src/more.js:1"],
    );
  });

  it("keeps one finding per untested export up to review.maxUntestedExportFindings", async () => {
    const r = changed(
      { "bgr.config.yaml": "review:\n  maxUntestedExportFindings: 2\n", "src/lib.js": "export function old() {}\n" },
      { "src/lib.js": "export function old() {}\nexport function a() {}\nexport function b() {}\n" },
    );
    assert.deepEqual(findingsOf(await r.review(), "review/untested-export").map((f) => f.line), [2, 3]);
    r.write("src/lib.js", "export function old() {}\nexport function a() {}\nexport function b() {}\nexport function c() {}\n").commit("one more");
    const folded = findingsOf(await r.review(), "review/untested-export");
    assert.deepEqual(folded.map((f) => f.title), ["3 new exported functions have no test"]);
  });

  it("does not ask tests for private methods, framework-decorated handlers or scripts", async () => {
    const r = changed(
      { "test/keep.test.ts": "it('x', () => {});\n" },
      {
        "src/box.ts": "export class Box {\n  private hidden() {}\n  #secret() {}\n}\n",
        "app/views.py": "@app.route('/login')\ndef login():\n    return 'ok'\n",
        "scripts/release.mjs": "export function release() {}\n",
      },
    );
    assert.deepEqual(findingsOf(await r.review(), "review/untested-export"), []);
  });

  it("does not note missing tests when a test changed too", async () => {
    const r = changed(
      { "src/lib.py": "def a():\n    return 1\n", "tests/test_lib.py": "from src.lib import a\n" },
      { "src/lib.py": "def a():\n    return 1\n\ndef b():\n    return 2\n", "tests/test_lib.py": "from src.lib import a, b\n\ndef test_b():\n    assert b() == 2\n" },
    );
    const result = await r.review();
    assert.deepEqual(findingsOf(result, "review/no-tests"), []);
    assert.deepEqual(findingsOf(result, "review/untested-export"), []);
  });
});

describe("duplicated code", () => {
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

  it("reports a block the change copied from an existing file, pointing at the original", async () => {
    const r = changed({ "src/a.js": block }, { "src/b.js": "// copy\n" + block.replace("normalise", "normaliseAgain") });
    const clones = findingsOf(await r.review(), "review/duplicate-code");
    assert.equal(clones.length, 1);
    assert.equal(clones[0]!.file, "src/b.js");
    assert.deepEqual((clones[0]!.properties?.duplicateOf as { file: string }).file, "src/a.js");
  });

  it("finds a JavaScript block pasted into a TypeScript file", async () => {
    const r = changed({ "src/a.js": block }, { "src/b.ts": "export const tag = 1;\n" + block.replace("normalise(records)", "again(records: Rec[])") });
    const clones = findingsOf(await r.review(), "review/duplicate-code");
    assert.deepEqual(clones.map((f) => f.file), ["src/b.ts"]);
  });

  it("does not report clones that existed before the change", async () => {
    const r = changed({ "src/a.js": block, "src/b.js": block.replace("normalise", "other") }, { "src/a.js": block + "export const extra = 1;\n" });
    assert.deepEqual(findingsOf(await r.review(), "review/duplicate-code"), []);
  });
});
