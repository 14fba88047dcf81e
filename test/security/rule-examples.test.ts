// Every rule carries positive and negative examples in its YAML; this runs
// them all: a positive example must raise that rule, a negative one must not.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { analyzeSource } from "../../src/engines/security-audit/analyze-file.js";
import { loadRuleSet } from "../../src/engines/security-audit/rules.js";
import { languageForPath, type Language } from "../../src/lang/languages.js";

const ruleSet = loadRuleSet();

// An example named x.ts / x.tsx is parsed as TypeScript (decorators, parameter types), as an audit would.
function grammarFor(file: string | undefined, language: Language): Language {
  return (file && languageForPath(file)) || language;
}

describe("rule examples", () => {
  test("the rule set loads and covers both languages", () => {
    assert.ok(ruleSet.rules.length >= 40, `only ${ruleSet.rules.length} rules loaded`);
    for (const lang of ["python", "javascript"] as const) {
      assert.ok(ruleSet.rules.some((r) => r.languages.includes(lang) && r.mode === "taint"), `${lang}: no taint rules`);
      assert.ok(ruleSet.rules.some((r) => r.languages.includes(lang) && r.mode === "pattern"), `${lang}: no pattern rules`);
    }
  });

  for (const rule of ruleSet.rules) {
    const language = rule.languages[0] === "python" ? "python" : "javascript";
    const file = language === "python" ? "example.py" : "example.js";
    test(`${rule.id}: positive examples are found`, () => {
      for (const example of rule.examples.positive) {
        const { findings } = analyzeSource(example.file ?? file, example.code, grammarFor(example.file, language), ruleSet, new Set());
        const own = findings.filter((f) => f.ruleId === rule.id);
        assert.ok(own.length > 0, `${rule.id} missed its positive example:\n${example.code}\nfound: ${findings.map((f) => f.ruleId).join(", ") || "nothing"}`);
        if (example.confidence) {
          assert.ok(
            own.some((f) => f.confidence === example.confidence),
            `${rule.id} reported its positive example at confidence ${own.map((f) => f.confidence).join(", ")}, expected ${example.confidence}:\n${example.code}`,
          );
        }
      }
    });
    test(`${rule.id}: negative examples stay quiet`, () => {
      for (const example of rule.examples.negative) {
        const { findings } = analyzeSource(example.file ?? file, example.code, grammarFor(example.file, language), ruleSet, new Set());
        const own = findings.filter((f) => f.ruleId === rule.id);
        assert.equal(own.length, 0, `${rule.id} fired on its negative example:\n${example.code}\nat lines ${own.map((f) => f.line).join(", ")}`);
      }
    });
  }
});
