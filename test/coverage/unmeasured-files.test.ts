// "Source files without coverage data" means files the project's coverage tool
// would have measured: coverage.py's [run] source/include/omit and [report]
// include/omit narrow the list the way they narrow `coverage report`.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { analyze, makeProject } from "./helpers.js";

const LCOV = ["SF:pkg/core.py", "DA:1,1", "end_of_record", ""].join("\n");
const SOURCES = {
  "pkg/__init__.py": "VERSION = 1\n",
  "pkg/core.py": "x = 1\n",
  "pkg/extra.py": "y = 2\n",
  "pkg/vendored/six.py": "z = 3\n",
  "tools/release.py": "print('release')\n",
  "coverage.lcov": LCOV,
};

async function unmeasured(files: Record<string, string>): Promise<string[]> {
  const result = await analyze(makeProject(files), { reports: ["coverage.lcov"] });
  return ((result.data as { filesWithoutCoverage?: string[] }).filesWithoutCoverage ?? []).sort();
}

describe("files without coverage data under a coverage.py config", () => {
  it("lists every Python source file when no config narrows it", async () => {
    assert.deepEqual(await unmeasured(SOURCES), ["pkg/__init__.py", "pkg/extra.py", "pkg/vendored/six.py", "tools/release.py"]);
  });

  it("keeps to [run] source and drops [run] omit", async () => {
    const files = { ...SOURCES, ".coveragerc": "[run]\nsource = pkg\nomit =\n    pkg/vendored/*\n" };
    assert.deepEqual(await unmeasured(files), ["pkg/__init__.py", "pkg/extra.py"]);
  });

  it("reads [run] include and [report] omit from pyproject.toml", async () => {
    const files = { ...SOURCES, "pyproject.toml": '[tool.coverage.run]\ninclude = ["pkg/*"]\n\n[tool.coverage.report]\nomit = ["*/__init__.py"]\n' };
    assert.deepEqual(await unmeasured(files), ["pkg/extra.py", "pkg/vendored/six.py"]);
  });

  it("takes a dotted package name in source as its folder", async () => {
    const files = { ...SOURCES, "setup.cfg": "[coverage:run]\nsource = pkg.vendored\n" };
    assert.deepEqual(await unmeasured(files), ["pkg/vendored/six.py"]);
  });
});
