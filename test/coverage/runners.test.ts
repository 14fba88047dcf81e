// `bgr coverage --allow-exec` on small real projects of every common Node test
// runner, installed from the npm registry (once per machine, in a shared temp
// folder): bgr's totals must equal `c8 npm test` run by hand on the same project.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { before, describe, it } from "node:test";
import { analyze, c8Bin, childEnv, makeProject, totalsOf } from "./helpers.js";

/** Pinned so the shared folder can be reused; bumping one re-installs. */
const RUNNERS = { mocha: "10.8.2", uvu: "0.5.6", jest: "29.7.0", tap: "21.1.0", c8: "10.1.3" } as const;
const SHARED = path.join(tmpdir(), `bgr-test-runners-${Object.values(RUNNERS).join("-")}`);
const MAIN = new URL("../../src/cli/main.js", import.meta.url).pathname;

function installRunners(): void {
  if (existsSync(path.join(SHARED, "installed"))) return;
  mkdirSync(SHARED, { recursive: true });
  const specs = Object.entries(RUNNERS).map(([name, version]) => `${name}@${version}`);
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--no-save", "--ignore-scripts", "--prefix", SHARED, ...specs], { stdio: "ignore", env: childEnv() });
  execFileSync("touch", [path.join(SHARED, "installed")]);
}

/** The project gets only the packages it names: links into the shared install, as a real node_modules would hold them. */
function linkPackages(root: string, packages: string[]): void {
  mkdirSync(path.join(root, "node_modules", ".bin"), { recursive: true });
  for (const name of packages) {
    symlinkSync(path.join(SHARED, "node_modules", name), path.join(root, "node_modules", name));
    const bin = path.join(SHARED, "node_modules", ".bin", name);
    if (existsSync(bin)) symlinkSync(bin, path.join(root, "node_modules", ".bin", name));
  }
}

const MATH = `function add(a, b) {
  if (a < 0) {
    return 0;
  }
  return a + b;
}
function unused(x) {
  return x ? 1 : 2;
}
module.exports = { add, unused };
`;

interface Fixture {
  files: Record<string, string>;
  packages: string[];
  /** What the reference run appends to `c8 npm test`. */
  referenceArgs?: string[];
}

const FIXTURES: Record<string, Fixture> = {
  mocha: {
    packages: ["mocha"],
    files: {
      "package.json": JSON.stringify({ name: "m", scripts: { test: "mocha" } }),
      "test/math.test.js": 'const assert = require("assert");\nconst { add } = require("../src/math");\nit("adds", () => assert.equal(add(1, 2), 3));\n',
    },
  },
  uvu: {
    packages: ["uvu"],
    files: {
      "package.json": JSON.stringify({ name: "u", scripts: { test: "uvu test" } }),
      "test/math.js": 'const { test } = require("uvu");\nconst assert = require("uvu/assert");\nconst { add } = require("../src/math");\ntest("adds", () => assert.is(add(-1, 2), 0));\ntest.run();\n',
    },
  },
  jest: {
    packages: ["jest"],
    files: {
      "package.json": JSON.stringify({ name: "j", scripts: { test: "jest" } }),
      "test/math.test.js": 'const { add } = require("../src/math");\ntest("adds", () => expect(add(1, 2)).toBe(3));\n',
    },
  },
  tap: {
    packages: ["tap"],
    // tap measures coverage itself unless told not to; bgr turns that off to measure with c8.
    referenceArgs: ["--", "--disable-coverage"],
    files: {
      "package.json": JSON.stringify({ name: "t", scripts: { test: "tap test/math.js" } }),
      "test/math.js": 'const t = require("tap");\nconst { add } = require("../src/math");\nt.equal(add(1, 2), 3);\n',
    },
  },
  "node:test": {
    packages: [],
    files: {
      "package.json": JSON.stringify({ name: "n", scripts: { test: "node --test" } }),
      "test/math.test.js": 'const test = require("node:test");\nconst assert = require("assert");\nconst { add, unused } = require("../src/math");\ntest("adds", () => { assert.equal(add(1, 2), 3); assert.equal(unused(1), 1); });\n',
    },
  },
};

type Counts = Record<"lines" | "statements" | "branches" | "functions", { covered: number; total: number; pct: number }>;

function project(fixture: Fixture, extraPackages: string[] = []): string {
  const root = makeProject({ "src/math.js": MATH, ...fixture.files });
  linkPackages(root, [...fixture.packages, ...extraPackages]);
  return root;
}

/** `c8 npm test` as a user runs it, with the json-summary reporter for exact counts. */
function c8Reference(root: string, c8: string[], args: string[] = [], command = ["npm", "test"]): Counts {
  const out = path.join(root, "reference");
  execFileSync(c8[0]!, [...c8.slice(1), "--reporter=json-summary", `--reports-dir=${out}`, `--temp-directory=${path.join(out, "tmp")}`, ...command, ...args], {
    cwd: root,
    env: childEnv({ PATH: `${path.join(root, "node_modules", ".bin")}${path.delimiter}${process.env.PATH ?? ""}` }),
    stdio: "ignore",
  });
  const summary = JSON.parse(readFileSync(path.join(out, "coverage-summary.json"), "utf8")) as { total: Record<string, { covered: number; total: number; pct: number }> };
  rmSync(out, { recursive: true, force: true });
  const pick = (m: string) => ({ covered: summary.total[m]!.covered, total: summary.total[m]!.total, pct: summary.total[m]!.pct });
  return { lines: pick("lines"), statements: pick("statements"), branches: pick("branches"), functions: pick("functions") };
}

describe("coverage --allow-exec runs the project's own test command (needs the npm registry)", { timeout: 600_000 }, () => {
  before(installRunners, { timeout: 600_000 });

  for (const [runner, fixture] of Object.entries(FIXTURES)) {
    it(`${runner}: totals equal \`c8 npm test\` (bgr's own c8: the project has none)`, async () => {
      const expected = c8Reference(project(fixture), [process.execPath, c8Bin()], fixture.referenceArgs);
      const root = project(fixture);
      const result = await analyze(root, { allowExec: true });
      assert.deepEqual(result.blockers ?? [], [], `${runner}: ${JSON.stringify(result.sections?.find((s) => s.heading === "Coverage Command"))}`);
      const totals = totalsOf(result) as Counts;
      for (const metric of ["lines", "statements", "branches", "functions"] as const) assert.deepEqual(totals[metric], expected[metric], `${runner} ${metric}`);
      const data = result.data as { command: string; commandExitCode: number };
      assert.equal(data.command, `c8 npm test${fixture.referenceArgs ? ` ${fixture.referenceArgs.join(" ")}` : ""}`);
      assert.ok(!existsSync(path.join(root, "coverage")), "nothing written to the project's own coverage/");
    });
  }

  it("mocha with c8 in the project: the project's c8 runs, and its package.json c8 settings count", async () => {
    const fixture: Fixture = {
      ...FIXTURES.mocha!,
      files: {
        ...FIXTURES.mocha!.files,
        "package.json": JSON.stringify({ name: "m", scripts: { test: "mocha" }, c8: { all: true, include: ["src/**"] } }),
        "src/unloaded.js": "module.exports = function never() {\n  return 1;\n};\n",
      },
    };
    const expected = c8Reference(project(fixture, ["c8"]), [path.join("node_modules", ".bin", "c8")]);
    const result = await analyze(project(fixture, ["c8"]), { allowExec: true });
    assert.deepEqual(totalsOf(result), expected);
    assert.ok((result.data as { files: Array<{ file: string }> }).files.some((f) => f.file === "src/unloaded.js"), "--all from the project's config brings in the unloaded file");
  });

  it("a c8 invocation in the project's scripts runs with its own flags", async () => {
    const fixture: Fixture = {
      ...FIXTURES.mocha!,
      files: {
        ...FIXTURES.mocha!.files,
        "package.json": JSON.stringify({ name: "m", scripts: { test: "mocha", coverage: "c8 --exclude=src/helper.js --reporter=html mocha" } }),
        "src/helper.js": "module.exports = (x) => x;\n",
        "test/helper.test.js": 'const helper = require("../src/helper");\nit("helps", () => helper(1));\n',
      },
    };
    const expected = c8Reference(project(fixture, ["c8"]), [path.join("node_modules", ".bin", "c8"), "--exclude=src/helper.js"], [], ["mocha"]);
    const result = await analyze(project(fixture, ["c8"]), { allowExec: true });
    assert.equal((result.data as { command: string }).command, "c8 --exclude=src/helper.js mocha");
    assert.deepEqual(totalsOf(result), expected);
    const files = (result.data as { files: Array<{ file: string }> }).files.map((f) => f.file);
    // Its --exclude replaces c8's default excludes, so the tests count too: as they would for the maintainer.
    assert.ok(files.includes("src/math.js") && !files.includes("src/helper.js"), files.join(", "));
  });

  it("package.json nyc settings select the files when c8 has none", async () => {
    const fixture: Fixture = {
      ...FIXTURES.mocha!,
      files: {
        ...FIXTURES.mocha!.files,
        "package.json": JSON.stringify({ name: "m", scripts: { test: "mocha" }, nyc: { exclude: ["src/helper.js"] } }),
        "src/helper.js": "module.exports = (x) => x;\n",
        "test/helper.test.js": 'const helper = require("../src/helper");\nit("helps", () => helper(1));\n',
      },
    };
    const expected = c8Reference(project(fixture), [process.execPath, c8Bin(), "--exclude=src/helper.js"]);
    const result = await analyze(project(fixture), { allowExec: true });
    assert.deepEqual(totalsOf(result), expected);
  });

  it("failing tests fail the run: the summary leads with it and `bgr coverage` exits 1", () => {
    const root = project({
      ...FIXTURES.mocha!,
      files: { ...FIXTURES.mocha!.files, "test/math.test.js": 'const assert = require("assert");\nconst { add } = require("../src/math");\nit("adds", () => assert.equal(add(1, 2), 4));\n' },
    });
    const cli = spawnSync(process.execPath, [MAIN, "coverage", "--allow-exec", "--cwd", root], { encoding: "utf8", env: childEnv() });
    assert.equal(cli.status, 1, cli.stderr);
    const summary = cli.stdout.split("## Summary")[1] ?? "";
    assert.match(summary.trim(), /^\*\*The tests failed\*\*: `c8 npm test` exited 1/);
    assert.match(cli.stdout, /## Blockers[\s\S]*c8 npm test` exited 1/);
    assert.match(cli.stdout, /lines 62\.5% \(5\/8\)|lines \d+(\.\d+)?%/, "the numbers are still there");
  });

  it("--run-tests still works, and says it is deprecated", () => {
    const root = project(FIXTURES["node:test"]!);
    const cli = spawnSync(process.execPath, [MAIN, "coverage", "--run-tests", "--format", "json", "--cwd", root], { encoding: "utf8", env: childEnv() });
    assert.equal(cli.status, 0, cli.stderr);
    assert.match(cli.stderr, /--run-tests is deprecated: use --allow-exec/);
    assert.equal((JSON.parse(cli.stdout) as { totals: Counts }).totals.functions.pct, 100);
  });
});
