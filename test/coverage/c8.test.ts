// Our totals against c8's own printed summary, for every report format c8
// writes from the same run: the numbers a user compares must be identical.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { before, describe, it } from "node:test";
import { analyze, c8Bin, makeProject, run, totalsOf } from "./helpers.js";

const SOURCES = {
  "package.json": JSON.stringify({ name: "fixture", type: "module", scripts: { test: "node --test test/" } }),
  "src/auth/login.js": `export function login(user, pass) {
  if (!user) {
    throw new Error("no user");
  }
  if (pass === "secret" && user === "admin") {
    return true;
  }
  return false;
}

export function logout(session) {
  session.closed = true;
  return session;
}
`,
  "src/math.js": `export const add = (a, b) => a + b;
export function div(a, b) { return b === 0 ? null : a / b; }
export function mod(a, b) {
  if (b === 0) return null;
  if (b < 0) return -1;
  return a % b;
}
`,
  "src/unloaded.js": "export const x = 1;\n",
  "test/a.test.js": `import test from "node:test";
import assert from "node:assert";
import { login } from "../src/auth/login.js";
import { add, div, mod } from "../src/math.js";
test("login", () => {
  assert.equal(login("admin", "secret"), true);
  assert.equal(add(1, 2), 3);
  assert.equal(div(1, 0), null);
  assert.equal(mod(5, 3), 2);
});
`,
};

type Row = { statements: number; branches: number; functions: number; lines: number };

/** The "All files" row of c8's text table: % Stmts | % Branch | % Funcs | % Lines. */
function allFilesRow(text: string): Row {
  const line = text.split("\n").find((l) => l.trim().startsWith("All files"));
  assert.ok(line, `c8 printed no "All files" row:\n${text}`);
  const [, statements, branches, functions, lines] = line.split("|").map((cell) => Number(cell.trim()));
  return { statements: statements!, branches: branches!, functions: functions!, lines: lines! };
}

describe("coverage totals equal c8's printed numbers", () => {
  let root: string;
  let printed: Row;
  before(() => {
    root = makeProject(SOURCES);
    const reporters = ["text", "json", "lcov", "json-summary", "cobertura", "clover"].map((r) => `--reporter=${r}`);
    // The file by name: Node 22+ reads `--test` arguments as globs, where a bare directory matches nothing.
    const out = run(process.execPath, [c8Bin(), ...reporters, process.execPath, "--test", "test/a.test.js"], root);
    printed = allFilesRow(out);
  });

  for (const [report, metrics] of [
    ["coverage/coverage-final.json", ["statements", "branches", "functions", "lines"]],
    ["coverage/coverage-summary.json", ["statements", "branches", "functions", "lines"]],
    ["coverage/lcov.info", ["branches", "functions", "lines"]],
    ["coverage/clover.xml", ["statements", "branches", "functions", "lines"]],
    ["coverage/cobertura-coverage.xml", ["branches", "functions", "lines"]],
  ] as const) {
    it(`${path.basename(report)}: ${metrics.join(", ")}`, async () => {
      const result = await analyze(root, { reports: [report] });
      assert.deepEqual(result.blockers ?? [], []);
      const totals = totalsOf(result);
      for (const metric of metrics) assert.equal(totals[metric]?.pct, printed[metric], `${metric} from ${report}`);
    });
  }

  it("coverage-final.json counts match istanbul's own summary file item for item", async () => {
    const summary = JSON.parse(readFileSync(path.join(root, "coverage/coverage-summary.json"), "utf8")) as {
      total: Record<string, { covered: number; total: number; pct: number }>;
    };
    const totals = totalsOf(await analyze(root, { reports: ["coverage/coverage-final.json"] }));
    for (const metric of ["lines", "statements", "branches", "functions"]) {
      const expected = summary.total[metric]!;
      assert.deepEqual(totals[metric], { covered: expected.covered, total: expected.total, pct: expected.pct }, metric);
    }
  });

  it("finds the report by itself, names the uncalled function and the unloaded file", async () => {
    const result = await analyze(root);
    const data = result.data as { reports: Array<{ report: string }> };
    assert.equal(data.reports[0]?.report, "coverage/coverage-final.json");
    const uncalled = result.findings.find((f) => f.ruleId === "coverage/uncovered-function");
    assert.equal(uncalled?.file, "src/auth/login.js");
    assert.match(uncalled?.title ?? "", /logout/);
    assert.equal(uncalled?.line, 11);
    assert.equal(uncalled?.severity, "Medium", "auth code raises the severity");
    const noData = result.findings.filter((f) => f.ruleId === "coverage/no-coverage-data").map((f) => f.file);
    assert.deepEqual(noData, ["src/unloaded.js"]);
    const files = (result.data as { files: Array<{ file: string; missingLines: string }> }).files;
    assert.equal(files[0]?.file, "src/auth/login.js", "the auth file ranks riskiest");
    assert.equal(files[0]?.missingLines, "3-4, 8, 12-14");
  });

  it("merges two reports of the same run without double counting items", async () => {
    const single = totalsOf(await analyze(root, { reports: ["coverage/coverage-final.json"] }));
    const twice = totalsOf(await analyze(root, { reports: ["coverage/coverage-final.json", "coverage/coverage-final.json"] }));
    assert.deepEqual(twice, single);
  });
});

describe("LCOV functions of the same name in one file stay apart (kleur's `init` in every colour)", () => {
  it("c8's lcov.info gives the function total c8 prints", async () => {
    const root = makeProject({
      "package.json": JSON.stringify({ name: "colours", type: "module" }),
      "src/colours.js": [
        "export function red(s) {\n  return init(31)(s);\n  function init(code) {\n    return (t) => `${code}${t}`;\n  }\n}",
        "export function blue(s) {\n  return init(34)(s);\n  function init(code) {\n    return (t) => `${code}${t}`;\n  }\n}",
        "export function green(s) {\n  return init(32)(s);\n  function init(code) {\n    return (t) => `${code}${t}`;\n  }\n}",
        "",
      ].join("\n"),
      "test/colours.test.js": 'import test from "node:test";\nimport assert from "node:assert";\nimport { red, blue } from "../src/colours.js";\ntest("colours", () => assert.equal(red("x") + blue("y"), "31x34y"));\n',
    });
    const out = run(process.execPath, [c8Bin(), "--reporter=text", "--reporter=lcov", "--reporter=json-summary", process.execPath, "--test", "test/colours.test.js"], root);
    const printed = allFilesRow(out);
    const summary = JSON.parse(readFileSync(path.join(root, "coverage/coverage-summary.json"), "utf8")) as { total: { functions: { covered: number; total: number } } };
    // V8 reports the functions it compiled: three colours and the two inits that ran (green's never did).
    assert.equal(summary.total.functions.total, 5);
    const totals = totalsOf(await analyze(root, { reports: ["coverage/lcov.info"] }));
    assert.equal(totals.functions?.pct, printed.functions);
    const { covered, total } = summary.total.functions;
    assert.deepEqual({ covered: totals.functions?.covered, total: totals.functions?.total }, { covered, total });
  });
});
