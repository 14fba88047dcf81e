// Formats without a producer on this machine (Go, JaCoCo), the rounding rules,
// and what a corrupt or truncated report says: file and line, never a crash.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { coveragePyDisplay, GO, ISTANBUL, JACOCO, percent } from "../../src/engines/coverage-analysis/percent.js";
import { analyze, makeProject, totalsOf } from "./helpers.js";

describe("rounding as each tool prints", () => {
  it("istanbul truncates to two decimals and calls an empty total 100", () => {
    assert.equal(percent(ISTANBUL, 2, 3), 66.66);
    assert.equal(percent(ISTANBUL, 1, 7), 14.28);
    assert.equal(percent(ISTANBUL, 0, 0), 100);
  });
  it("coverage.py never shows 0 or 100 for partial coverage, and rounds halves to even", () => {
    assert.equal(coveragePyDisplay(1, 1000, 0), "1");
    assert.equal(coveragePyDisplay(999, 1000, 0), "99");
    assert.equal(coveragePyDisplay(1, 8, 0), "12", "12.5 rounds to even");
    assert.equal(coveragePyDisplay(3, 8, 0), "38", "37.5 rounds to even");
    assert.equal(coveragePyDisplay(2, 3, 2), "66.67");
  });
  it("go prints one decimal; JaCoCo floors whole percents", () => {
    assert.equal(percent(GO, 2, 3), 66.7);
    assert.equal(percent(GO, 0, 0), 0);
    assert.equal(percent(JACOCO, 2, 3), 66);
  });
});

describe("Go cover profiles", () => {
  it("counts statements like `go tool cover -func` and maps import paths through go.mod", async () => {
    const root = makeProject({
      "go.mod": "module example.com/shop\n\ngo 1.22\n",
      "pay/charge.go": "package pay\n\nfunc Charge(a int) int {\n\tif a < 0 {\n\t\treturn 0\n\t}\n\treturn a\n}\n",
      // Two packages under -coverpkg list the same block twice: it counts once.
      "cover.out": [
        "mode: set",
        "example.com/shop/pay/charge.go:3.24,4.11 1 1",
        "example.com/shop/pay/charge.go:4.11,6.3 1 0",
        "example.com/shop/pay/charge.go:7.2,7.10 1 1",
        "mode: set",
        "example.com/shop/pay/charge.go:3.24,4.11 1 1",
        "",
      ].join("\n"),
    });
    const result = await analyze(root);
    const totals = totalsOf(result);
    assert.deepEqual(totals.statements, { covered: 2, total: 3, pct: 66.7 });
    const files = (result.data as { files: Array<{ file: string; missingLines: string }> }).files;
    assert.equal(files[0]?.file, "pay/charge.go");
    assert.equal(files[0]?.missingLines, "5-6");
  });
});

describe("JaCoCo XML", () => {
  it("reads lines, branches and methods per source file under the Maven source root", async () => {
    const xml = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><!DOCTYPE report PUBLIC "-//JACOCO//DTD Report 1.1//EN" "report.dtd">
<report name="shop"><package name="com/shop">
<class name="com/shop/Cart" sourcefilename="Cart.java">
<method name="add" desc="(I)V" line="5"><counter type="INSTRUCTION" missed="0" covered="4"/><counter type="METHOD" missed="0" covered="1"/></method>
<method name="clear" desc="()V" line="9"><counter type="INSTRUCTION" missed="3" covered="0"/><counter type="METHOD" missed="1" covered="0"/></method>
</class>
<sourcefile name="Cart.java">
<line nr="5" mi="0" ci="2" mb="1" cb="1"/><line nr="6" mi="0" ci="2" mb="0" cb="0"/><line nr="9" mi="3" ci="0" mb="0" cb="0"/>
</sourcefile></package>
<counter type="LINE" missed="1" covered="2"/><counter type="BRANCH" missed="1" covered="1"/><counter type="METHOD" missed="1" covered="1"/>
</report>`;
    const root = makeProject({ "src/main/java/com/shop/Cart.java": "class Cart {}\n", "target/site/jacoco/jacoco.xml": xml });
    const result = await analyze(root);
    const totals = totalsOf(result);
    assert.deepEqual(totals.lines, { covered: 2, total: 3, pct: 66 });
    assert.deepEqual(totals.branches, { covered: 1, total: 2, pct: 50 });
    assert.deepEqual(totals.functions, { covered: 1, total: 2, pct: 50 });
    const uncalled = result.findings.find((f) => f.ruleId === "coverage/uncovered-function");
    assert.equal(uncalled?.file, "src/main/java/com/shop/Cart.java");
    assert.match(uncalled?.title ?? "", /Cart\.clear/);
  });
});

describe("corrupt and truncated reports name the file and the line", () => {
  const cases: Array<[string, string, RegExp]> = [
    ["lcov.info", "TN:\nSF:a.js\nDA:1,1\nDA:2,x\nend_of_record\n", /^lcov\.info:4: malformed DA/],
    ["lcov.info", "TN:\nSF:a.js\nDA:1,1\nDA:2,0\n", /^lcov\.info:2: truncated: the record for a\.js never ends/],
    ["coverage/coverage-final.json", '{"a.js": {"path": "a.js", "statementMap": {}, "s": {}},\n "b.js": {"path": "b.js",\n "s": {', /^coverage\/coverage-final\.json:3: truncated/],
    ["coverage/coverage-final.json", '{"a.js": {"path": "a.js",\n "statementMap": {} "s": {}}}', /^coverage\/coverage-final\.json:2: invalid JSON/],
    ["coverage.xml", '<?xml version="1.0" ?>\n<coverage lines-valid="1">\n<packages><package>\n<classes><class filename="a.py">\n<lines><line number="1" hits="1"/>', /^coverage\.xml:5: invalid XML/],
    ["coverage.xml", '<?xml version="1.0" ?>\n<coverage>\n<packages><package><classes><class filename="a.py"><lines>\n<line number="1" hits="many"/>\n</lines></class></classes></package></packages></coverage>', /^coverage\.xml:4: <line> has a non-numeric hits="many"/],
    ["cover.out", "mode: set\nx.go:1.1,2.2 1 1\nx.go:garbage\n", /^cover\.out:3: malformed block/],
  ];
  for (const [name, text, expected] of cases) {
    it(`${name}: ${expected.source}`, async () => {
      const root = makeProject({ [name]: text, "a.js": "x\n", "a.py": "x\n", "x.go": "package x\n" });
      const result = await analyze(root, { reports: [name] });
      assert.equal(result.blockers?.length, 1, "an unreadable only report blocks the run");
      assert.match(result.blockers![0]!, expected);
      assert.equal(result.blockers![0]!.includes("\n"), false, "one line");
      assert.equal(result.errors[0]?.file, name);
    });
  }

  it("a bad report next to a good one is an error, not a blocker", async () => {
    const root = makeProject({ "good.info": "SF:a.js\nDA:1,1\nend_of_record\n", "bad.info": "SF:a.js\nDA:z\nend_of_record\n", "a.js": "x\n" });
    const result = await analyze(root, { reports: ["good.info", "bad.info"] });
    assert.equal(result.blockers, undefined);
    assert.deepEqual(totalsOf(result).lines, { covered: 1, total: 1, pct: 100 });
    assert.match(result.errors[0]?.message ?? "", /^bad\.info:2: malformed DA/);
  });
});

describe("paths from another machine", () => {
  it("maps absolute CI paths to workspace files and lists the rest without failing", async () => {
    const lcov = [
      "SF:/home/runner/work/shop/shop/src/cart.js", "DA:1,1", "DA:2,0", "end_of_record",
      "SF:/home/runner/work/shop/shop/src/deleted.js", "DA:1,0", "end_of_record",
      "SF:src/cart.js", "DA:1,2", "DA:3,1", "end_of_record",
      "",
    ].join("\n");
    const root = makeProject({ "src/cart.js": "a\nb\nc\n", "coverage/lcov.info": lcov });
    const result = await analyze(root);
    assert.deepEqual(totalsOf(result).lines, { covered: 2, total: 3, pct: 66.66 }, "both spellings of src/cart.js merge");
    const data = result.data as { unmappedPaths: Array<{ path: string }> };
    assert.deepEqual(data.unmappedPaths.map((u) => u.path), ["/home/runner/work/shop/shop/src/deleted.js"]);
    assert.match(result.errors[0]?.message ?? "", /1 path not in the workspace/);
    assert.ok(result.sections?.some((s) => s.heading === "Report Paths Not in the Workspace"));
  });
});
