// Branches from coverage.py's `.coverage` data file: the arcs it recorded,
// against the branch points we estimate from the source, compared with what
// `coverage json` (coverage.py parsing the source itself) reports.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { before, describe, it } from "node:test";
import { analyze, makeProject, run, runAllowingFailure, SYSTEM_PYTHON, totalsOf } from "./helpers.js";

const SHAPES = `import os


def grade(a, b):
    """Every kind of branch point coverage.py knows."""
    if a > 1:
        b += 1
    elif a < -5:
        b -= 1
    else:
        b = 0
    for i in range(a):
        if i == 3:
            continue
        b += i
    while b > 10:
        b -= 3
    while True:
        break
    xs = [x for x in range(b) if x]
    inc = lambda y: y + 1
    if (a and
            b):
        b = 1
    if b: b = 2
    if b > 100: return b
    return b + len(xs)


class Shapes:
    def kind(self, v):
        match v:
            case 1:
                return "one"
            case [x, y]:
                return "pair"
            case _:
                return "other"

    def pick(self, v):
        match v:
            case 1 | 2:
                return 1
            case {"k": k}:
                return k
        try:
            return v / 0
        except ZeroDivisionError:
            return None
        finally:
            v = 0


def unused(q):
    if q:
        return 1
    return 2
`;

const DRIVER = `from pkg.shapes import Shapes, grade
grade(2, 1)
grade(0, 50)
grade(-9, 3)
s = Shapes()
s.kind(1)
s.kind([1, 2])
s.pick(3)
`;

describe(".coverage arcs give coverage.py's branch counts", () => {
  let root: string;
  let expected: Record<string, number | string>;
  before(() => {
    root = makeProject({ "pkg/__init__.py": "", "pkg/shapes.py": SHAPES, "drive.py": DRIVER });
    run(SYSTEM_PYTHON, ["-m", "coverage", "run", "--branch", "--source=pkg", "drive.py"], root);
    runAllowingFailure(SYSTEM_PYTHON, ["-m", "coverage", "json", "-q", "-o", "coverage.json"], root);
    expected = JSON.parse(readFileSync(path.join(root, "coverage.json"), "utf8")).totals as Record<string, number | string>;
  });

  it("statements and branches (if/elif, loops, while True, one-line ifs, multi-line conditions, lambdas, comprehensions, match) equal coverage json", async () => {
    assert.ok(Number(expected.num_branches) > 20, "the fixture exercises many branch points");
    const result = await analyze(root, { reports: [".coverage"] });
    const totals = totalsOf(result);
    assert.equal(totals.statements?.total, expected.num_statements);
    assert.equal(totals.statements?.covered, expected.covered_lines);
    assert.equal(totals.branches?.total, expected.num_branches);
    assert.equal(totals.branches?.covered, expected.covered_branches);
    assert.equal(totals.combined?.pct, Number(expected.percent_covered_display), "coverage.py's TOTAL");
    const reports = (result.data as { reports: Array<{ producer?: string }> }).reports;
    assert.match(reports[0]?.producer ?? "", /statements and branches estimated/);
  });

  it("a data file measured without --branch has no branch totals, as coverage.py reports none", async () => {
    run(SYSTEM_PYTHON, ["-m", "coverage", "run", "--source=pkg", "drive.py"], root);
    const totals = totalsOf(await analyze(root, { reports: [".coverage"] }));
    assert.equal(totals.branches, undefined);
    assert.equal(totals.statements?.total, expected.num_statements);
  });
});
