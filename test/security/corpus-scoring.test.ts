// The scorer itself: a wrong scorer would make the corpus test meaningless.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Finding } from "../../src/protocol/finding.js";
import { canonicalCwe, parseLabels, scoreFile, tabulate } from "./corpus-scoring.js";

const SOURCE = [
  "import os",                              // 1
  "# expect: CWE-78",                       // 2
  "os.system(cmd)",                         // 3
  "# safe: CWE-78",                         // 4
  "os.system('ls')",                        // 5
  "# expect: CWE-95, CWE-89",               // 6
  "run(",                                   // 7
  "  payload)",                             // 8
  "x = 1",                                  // 9
].join("\n");

function finding(line: number, cwe: number | undefined, endLine = line): Finding {
  return {
    ruleId: `rule-${cwe}`, title: "t", severity: "High", file: "app.py",
    line, endLine, message: "m", recommendation: "r", ...(cwe === undefined ? {} : { cwe }),
  };
}

test("labels target the line right below them, one label per CWE", () => {
  const labels = parseLabels("app.py", SOURCE);
  assert.deepEqual(
    labels.map((label) => [label.kind, label.line, label.cwe]),
    [["expect", 3, 78], ["safe", 5, 78], ["expect", 7, 95], ["expect", 7, 89]],
  );
});

test("JSX block-comment labels are read like line comments", () => {
  const labels = parseLabels("a.tsx", "<div>\n  {/* safe: CWE-79 */}\n  <p>{text}</p>\n</div>");
  assert.deepEqual(labels.map((label) => [label.kind, label.line, label.cwe]), [["safe", 3, 79]]);
});

test("a label with no code below it is rejected with its location", () => {
  assert.throws(() => parseLabels("x.js", "// expect: CWE-79\n\nfoo()"), /x\.js:1: label has no code line/);
});

test("twin CWEs share one canonical number", () => {
  assert.equal(canonicalCwe(95), 94);
  assert.equal(canonicalCwe(1004), 614);
  assert.equal(canonicalCwe(798), 259);
  assert.equal(canonicalCwe(89), 89);
});

test("matches by line range and CWE twin; the rest are false positives", () => {
  const labels = parseLabels("app.py", SOURCE);
  const score = scoreFile("app.py", labels, [
    finding(3, 78),
    finding(5, 78),       // on a safe label
    finding(6, 94, 8),    // range covers line 7; 94 is the twin of the labeled 95
    finding(9, 89),       // stray
    finding(1, undefined),
    { ...finding(7, 89), file: "other.py" }, // another file: ignored here
  ]);
  assert.deepEqual(score.misses, [{ file: "app.py", line: 7, cwe: 89 }]);
  assert.deepEqual(
    score.falsePositives.map((fp) => [fp.line, fp.cwe, fp.safeLabelLine]),
    [[5, 78, 5], [9, 89, undefined], [1, undefined, undefined]],
  );
  const rows = tabulate([score]);
  const byCwe = Object.fromEntries(rows.map((row) => [row.cwe, row]));
  assert.equal(byCwe["78"]!.recall, 1);
  assert.equal(byCwe["78"]!.flaggedSafe, 1);
  assert.equal(byCwe["78"]!.fpRate, 1);
  assert.equal(byCwe["89"]!.recall, 0);
  assert.equal(byCwe["89"]!.stray, 1);
  assert.equal(byCwe["94/95"]!.recall, 1);
  assert.equal(byCwe["none"]!.stray, 1);
  const all = rows.at(-1)!;
  assert.equal(all.cwe, "all");
  assert.equal(all.expected, 3);
  assert.equal(all.matched, 2);
  // 3 false positives (1 flagged safe + 2 stray), no unflagged safe label left.
  assert.equal(all.fpRate, 1);
  assert.equal(all.precision, 2 / 5);
});
