// Our totals against coverage.py's own TOTAL line and JSON, from its JSON
// report, its Cobertura XML and its .coverage data file, at two precisions.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { before, describe, it } from "node:test";
import { analyze, makeProject, run, runAllowingFailure, SYSTEM_PYTHON, totalsOf } from "./helpers.js";

const SOURCES = {
  "pkg/__init__.py": "",
  "pkg/payments.py": `"""Payments."""


def charge(amount, card):
    if amount <= 0:
        raise ValueError("amount")
    if card is None:
        return None
    total = amount
    for fee in (1, 2):
        total += fee
    return total


def refund(amount):
    return -amount
`,
  "pkg/util.py": `def clamp(x, lo, hi):
    if x < lo:
        return lo
    if x > hi:
        return hi
    return x
`,
  "tests/test_pay.py": `from pkg.payments import charge
from pkg.util import clamp


def test_charge():
    assert charge(10, "c") == 13
    assert clamp(5, 0, 3) == 3
`,
};

function coverageRc(precision: number): string {
  return `[run]\nbranch = True\nsource = pkg\n\n[report]\nprecision = ${precision}\nfail_under = 90\n`;
}

function measure(root: string): { printedTotal: string; json: { totals: Record<string, number | string> } } {
  run(SYSTEM_PYTHON, ["-m", "coverage", "run", "-m", "pytest", "-q", "-p", "no:cacheprovider"], root);
  const report = runAllowingFailure(SYSTEM_PYTHON, ["-m", "coverage", "report"], root);
  runAllowingFailure(SYSTEM_PYTHON, ["-m", "coverage", "json", "-q", "-o", "coverage.json"], root);
  runAllowingFailure(SYSTEM_PYTHON, ["-m", "coverage", "xml", "-q", "-o", "coverage.xml"], root);
  const total = report.split("\n").find((line) => line.startsWith("TOTAL"));
  assert.ok(total, `coverage report printed no TOTAL line:\n${report}`);
  const printedTotal = total.trim().split(/\s+/).pop()!.replace("%", "");
  return { printedTotal, json: JSON.parse(readFileSync(path.join(root, "coverage.json"), "utf8")) };
}

for (const precision of [0, 2]) {
  describe(`coverage totals equal coverage.py's (precision ${precision})`, () => {
    let root: string;
    let printedTotal: string;
    let jsonTotals: Record<string, number | string>;
    before(() => {
      root = makeProject({ ...SOURCES, ".coveragerc": coverageRc(precision) });
      const measured = measure(root);
      printedTotal = measured.printedTotal;
      jsonTotals = measured.json.totals;
    });

    for (const report of ["coverage.json", "coverage.xml"]) {
      it(`${report}: statements, branches and the combined TOTAL`, async () => {
        const result = await analyze(root, { reports: [report] });
        const totals = totalsOf(result);
        assert.equal(totals.statements?.total, jsonTotals.num_statements);
        assert.equal(totals.statements?.covered, jsonTotals.covered_lines);
        assert.equal(totals.branches?.total, jsonTotals.num_branches);
        assert.equal(totals.branches?.covered, jsonTotals.covered_branches);
        assert.equal(totals.combined?.pct, Number(printedTotal), "the TOTAL coverage.py printed");
        assert.equal(totals.combined?.pct.toFixed(precision), printedTotal);
        const gate = result.findings.find((f) => f.ruleId === "coverage/below-threshold" && f.line === 0);
        assert.equal(gate?.file, ".coveragerc", "fail_under comes from the project's .coveragerc");
        assert.equal(gate?.severity, "Medium");
      });
    }

    it(".coverage data file: statements and branches estimated to coverage.py's counts", async () => {
      const totals = totalsOf(await analyze(root, { reports: [".coverage"] }));
      assert.equal(totals.statements?.total, jsonTotals.num_statements);
      assert.equal(totals.statements?.covered, jsonTotals.covered_lines);
      assert.equal(totals.branches?.total, jsonTotals.num_branches, "branch exits estimated from the source");
      assert.equal(totals.branches?.covered, jsonTotals.covered_branches, "branch arms from the recorded arcs");
      assert.equal(totals.combined?.pct, Number(printedTotal));
    });

    it("lists missing lines as coverage.py does", async () => {
      const result = await analyze(root, { reports: ["coverage.json"] });
      const files = (result.data as { files: Array<{ file: string; missingLines: string }> }).files;
      assert.equal(files.find((f) => f.file === "pkg/payments.py")?.missingLines, "6, 8, 16");
      assert.equal(files.find((f) => f.file === "pkg/util.py")?.missingLines, "3, 6");
      assert.equal(files[0]?.file, "pkg/payments.py", "payment code ranks riskiest");
    });
  });
}
