// jest's coverageThreshold beyond `global`: directory and file keys gather
// their files into one summary, glob keys hold each file to the numbers,
// negative numbers cap uncovered items, claimed files leave the global gate,
// and a key no file matches fails, as jest fails the run.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { analyze, makeProject } from "./helpers.js";

function lcovFor(files: Record<string, number[]>): string {
  return Object.entries(files)
    .map(([file, hits]) => [`SF:${file}`, ...hits.map((h, i) => `DA:${i + 1},${h}`), "end_of_record"].join("\n"))
    .join("\n") + "\n";
}

const COVERAGE = {
  "src/api/a.js": [1, 1, 0, 0],
  "src/api/b.js": [1, 1],
  "src/str.util.js": [1, 1, 1, 0],
  "src/num.util.ts": [1, 1],
  "src/core.js": [1, 0, 0],
  "src/main.js": [0, 0],
};

function project(config: Record<string, string>): string {
  const sources = Object.fromEntries(Object.entries(COVERAGE).map(([file, hits]) => [file, "x\n".repeat(hits.length)]));
  return makeProject({ ...sources, "coverage/lcov.info": lcovFor(COVERAGE), ...config });
}

const JEST_CONFIG = `/** @type {import('jest').Config} */
module.exports = {
  collectCoverage: true,
  coverageThreshold: {
    global: { lines: 50 },
    './src/api/': { lines: 90 },
    '**/*.util.{js,ts}': { lines: 80 },
    "./src/core.js": { lines: -1 },
    './src/none/': { lines: 10 },
  },
  testEnvironment: 'node',
};
`;

describe("jest per-path coverage thresholds", () => {
  it("checks directory, glob, negative and missing keys, and leaves claimed files out of the global gate", async () => {
    const result = await analyze(project({ "jest.config.js": JEST_CONFIG }));
    const gates = result.findings
      .filter((f) => f.ruleId === "coverage/below-threshold")
      .map((f) => `${f.file}:${f.line} ${f.title}`)
      .sort();
    assert.deepEqual(gates, [
      "jest.config.js:0 ./src/api/: lines 66.66% (4/6) is below 90%",
      "jest.config.js:0 ./src/core.js: 2 uncovered lines, more than the 1 allowed",
      "jest.config.js:0 No coverage data for ./src/none/",
      // Only src/main.js is left for global: 0 of 2 lines, though all files together make 10/17 (58%).
      "jest.config.js:0 Total line coverage 0% is below 50%",
      "src/str.util.js:0 src/str.util.js: lines 75% (3/4) is below 80%",
    ]);
    const thresholds = (result.data as { thresholds: { groups: Array<{ pattern: string }> } }).thresholds;
    assert.deepEqual(thresholds.groups.map((g) => g.pattern), ["./src/api/", "**/*.util.{js,ts}", "./src/core.js", "./src/none/"]);
  });

  it("reads the same keys from package.json, and does not report keys outside an analysis scope", async () => {
    const pkg = { name: "x", jest: { coverageThreshold: { "./src/api/": { lines: 50 }, "./src/none/": { lines: 10 }, "src/*.util.js": { lines: 90 } } } };
    const result = await analyze(project({ "package.json": JSON.stringify(pkg) }), {}, ["src/api", "src/str.util.js"]);
    const gates = result.findings.filter((f) => f.ruleId === "coverage/below-threshold").map((f) => `${f.file} ${f.title}`);
    assert.deepEqual(gates, ["src/str.util.js src/str.util.js: lines 75% (3/4) is below 90%"]);
  });
});
