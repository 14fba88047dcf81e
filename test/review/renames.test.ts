// A function the change renamed is compared with its old self, not treated
// as new: pairing by body similarity, then the checks that depend on it.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { extractFunctions } from "../../src/engines/code-review/functions.js";
import { matchPriorVersions, type Side } from "../../src/engines/code-review/renames.js";
import { type Language, parseSource } from "../../src/lang/parsers.js";
import { findingsOf, TestRepo } from "./helpers.js";

function side(language: Language, code: string): Side {
  return { units: extractFunctions(parseSource(language, code), language), lines: code.split("\n") };
}

/** "new name ← old name" for every pair the matcher made. */
function pairs(before: Side, afterSide: Side): string[] {
  return [...matchPriorVersions(before, afterSide)].map(([next, prior]) => `${next.name} ← ${prior.name}`).sort();
}

const total = (name: string, extra = "") => `function ${name}(items, limit) {
  let sum = 0;
  for (const item of items) {
    if (item.weight > limit) sum += item.weight;${extra}
  }
  return ${name}.cache ? sum * 2 : sum;
}
`;

const other = `function describe(user) {
  const parts = [user.first, user.last].filter(Boolean);
  return parts.length > 0 ? parts.join(" ") : "anonymous";
}
`;

describe("matching renamed functions", () => {
  it("pairs by name first, then a renamed function with its old body (recursive self-references included)", () => {
    const before = side("javascript", total("sumWeights") + other);
    const afterSide = side("javascript", total("totalWeight") + other);
    assert.deepEqual(pairs(before, afterSide), ["describe ← describe", "totalWeight ← sumWeights"]);
  });

  it("pairs a renamed function whose body also changed a little, not one whose body is different", () => {
    const edited = side("javascript", total("totalWeight", "\n    else if (item.weight < 0) sum -= 1;"));
    assert.deepEqual(pairs(side("javascript", total("sumWeights")), edited), ["totalWeight ← sumWeights"]);
    assert.deepEqual(pairs(side("javascript", total("sumWeights")), side("javascript", other.replace("describe", "label"))), []);
  });

  it("follows a class rename to its methods, in Python too", () => {
    const method = (cls: string) => `class ${cls}:\n    def parse(self, text):\n        rows = [line.split(",") for line in text.splitlines() if line]\n        return [row for row in rows if len(row) > 2]\n`;
    assert.deepEqual(pairs(side("python", method("Parser")), side("python", method("CsvReader"))), ["CsvReader.parse ← Parser.parse"]);
  });

  it("never pairs tiny functions by content, and uses each old function once", () => {
    assert.deepEqual(pairs(side("javascript", "function a() { return 1; }\n"), side("javascript", "function b() { return 1; }\n")), []);
    const twice = side("javascript", total("first") + total("second"));
    assert.deepEqual(pairs(twice, side("javascript", total("only"))), ["only ← first"]);
  });
});

const repos: TestRepo[] = [];
after(() => repos.forEach((r) => r.cleanup()));
function changed(base: Record<string, string>, change: Record<string, string>): TestRepo {
  const r = TestRepo.create();
  repos.push(r);
  for (const [file, text] of Object.entries(base)) r.write(file, text);
  r.commit("base");
  r.git("checkout", "-q", "-b", "feature");
  for (const [file, text] of Object.entries(change)) r.write(file, text);
  r.commit("feature");
  return r;
}

const branchy = (name: string, extra = "") => `export function ${name}(a, b) {
  if (a) {
    for (const x of b) {
      if (x && a || b) {
        while (x) { if (b) { x--; } }
      } else if (b) {
        if (a) { return 1; }${extra}
      } else {
        return 2;
      }
    }
  }
  return 0;
}
`;

describe("renames in the review", () => {
  it("does not call an already complex function new because the change renamed it", async () => {
    const r = changed({ "src/calc.js": branchy("legacyCalc") }, { "src/calc.js": branchy("calc") });
    const result = await r.review();
    assert.deepEqual(findingsOf(result, "review/complex-function"), []);
    assert.deepEqual(findingsOf(result, "review/complexity-increase"), []);
    const removed = findingsOf(result, "review/export-removed");
    assert.deepEqual(removed.map((f) => f.title), ["Exported `legacyCalc` renamed to `calc`"]);
    const table = result.sections?.find((s) => s.heading === "Changed Functions")?.body ?? "";
    assert.match(table, /`calc` \| `src\/calc\.js:1` \| 23 \| 10 \| 14 \| renamed from `legacyCalc` \|/);
  });

  it("reports the real complexity delta of a renamed function that grew", async () => {
    const r = changed(
      { "src/calc.js": branchy("legacyCalc") },
      { "src/calc.js": branchy("calc", "\n        if (b && x) { if (a) { return 3; } }") },
    );
    const [finding] = findingsOf(await r.review(), "review/complexity-increase");
    assert.ok(finding, "a raise, not a new function");
    assert.equal(finding.properties?.renamedFrom, "legacyCalc");
    assert.deepEqual(finding.properties?.cognitive, { before: 23, after: 33 });
    assert.match(finding.message, /`calc` \(renamed from `legacyCalc`\)/);
  });
});
