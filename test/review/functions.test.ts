import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { extractFunctions, type FunctionUnit } from "../../src/engines/code-review/functions.js";
import { type Language, parseSource } from "../../src/lang/parsers.js";

function units(language: Language, code: string): Map<string, FunctionUnit> {
  return new Map(extractFunctions(parseSource(language, code), language).map((unit) => [unit.name, unit]));
}

describe("complexity (SonarSource cognitive, McCabe cyclomatic)", () => {
  it("scores the white paper's sumOfPrimes: nesting and labelled continue", () => {
    const unit = units("javascript", `function sumOfPrimes(max) {
  let total = 0;
  OUT: for (let i = 1; i <= max; ++i) {
    for (let j = 2; j < i; ++j) {
      if (i % j == 0) {
        continue OUT;
      }
    }
    total += i;
  }
  return total;
}`).get("sumOfPrimes")!;
    assert.equal(unit.cognitive, 7);
    assert.equal(unit.cyclomatic, 4);
    assert.equal(unit.maxNesting, 3);
  });

  it("counts a switch once for cognitive and per case for cyclomatic", () => {
    const unit = units("typescript", `function words(n: number): string {
  switch (n) {
    case 1: return "one";
    case 2: return "a couple";
    case 3: return "a few";
    default: return "lots";
  }
}`).get("words")!;
    assert.equal(unit.cognitive, 1);
    assert.equal(unit.cyclomatic, 4);
  });

  it("treats else-if flat, logical operator sequences once per change, callbacks as nesting", () => {
    const unit = units("javascript", `const h = (a, b, c) => {
  if (a && b || c) { run(); }
  else if (b) { if (c) { run(); } }
  else { [1].map((x) => (x ? 1 : 2)); }
};`).get("h")!;
    // if 1 + (&&,||) 2 + else-if 1 + nested if 2 + else 1 + ternary in callback in else 3
    assert.equal(unit.cognitive, 10);
    assert.equal(unit.cyclomatic, 7);
  });

  it("scores Python if/elif/else, boolean operators and nested loops", () => {
    const unit = units("python", `class Shop:
    def price(self, a, b, c):
        if a and b or c:
            pass
        elif a:
            for item in b:
                if item:
                    pass
        else:
            pass
`).get("Shop.price")!;
    assert.equal(unit.cognitive, 10);
    assert.equal(unit.cyclomatic, 7);
    assert.equal(unit.params, 3, "self is not a parameter callers pass");
  });
});

describe("function units", () => {
  it("names declarations, methods, bound arrows and class fields; skips anonymous callbacks", () => {
    const found = units("typescript", `export function top(a: number, b = 2, ...rest: string[]): void {}
export const arrow = async ({ x }: Opts) => x;
class Box { open(this: Box, key?: string) { items.forEach((i) => i); } close = () => 1; }
module.exports.legacy = function (err, data) {};`);
    assert.deepEqual([...found.keys()], ["top", "arrow", "Box.open", "Box.close", "module.exports.legacy"]);
    assert.equal(found.get("top")!.params, 3);
    assert.equal(found.get("top")!.signature, "(a: number, b = 2, ...rest: string[]): void");
    assert.equal(found.get("Box.open")!.params, 1, "a TypeScript `this` parameter is not counted");
    assert.equal(found.get("top")!.exported, true);
    assert.equal(found.get("arrow")!.exported, true);
    assert.equal(found.get("Box.open")!.exported, false);
    assert.equal(found.get("module.exports.legacy")!.exported, true);
  });

  it("treats public module-level Python names as exported, private and nested ones not", () => {
    const found = units("python", `def public(a):
    def helper(b):
        return b
    return helper(a)

def _private():
    pass
`);
    assert.equal(found.get("public")!.exported, true);
    assert.equal(found.get("public.helper")!.exported, false);
    assert.equal(found.get("_private")!.exported, false);
  });
});
