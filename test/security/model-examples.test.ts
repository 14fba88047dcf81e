// The library model catalog (rules/models/<language>/<package>.yaml): every
// model carries positive and negative examples; a positive example raises the
// rule the model names, a negative one does not.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { analyzeSource } from "../../src/engines/security-audit/analyze-file.js";
import { languageForPath } from "../../src/lang/languages.js";
import { loadRuleSet, RuleError } from "../../src/engines/security-audit/rules.js";

const scratch: string[] = [];
after(() => scratch.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const ruleSet = loadRuleSet();

/** An example named example.ts / .tsx / .vue is parsed as that file would be in an audit. */
function languageOf(file: string | undefined, fallback: "python" | "javascript") {
  return (file && languageForPath(file)) || fallback;
}

describe("library models", () => {
  test("the catalog loads, covers both languages and is part of the rules' hash", () => {
    const models = ruleSet.models ?? [];
    assert.ok(models.length >= 12, `only ${models.length} models loaded`);
    for (const lang of ["python", "javascript"] as const) assert.ok(models.some((m) => m.language === lang), `${lang}: no models`);
    assert.ok(models.every((m) => /^models\/(python|javascript)\/[a-z0-9._-]+\.yaml$/.test(m.file)), "models live in rules/models/<language>/<package>.yaml");
  });

  for (const model of ruleSet.models ?? []) {
    const file = model.language === "python" ? "example.py" : "example.js";
    test(`${model.file} (${model.name}): positive examples raise ${model.rule}`, () => {
      for (const example of model.positive) {
        const { findings, errors } = analyzeSource(example.file ?? file, example.code, languageOf(example.file, model.language), ruleSet, new Set());
        assert.deepEqual(errors, [], `example does not parse:\n${example.code}`);
        assert.ok(findings.some((f) => f.ruleId === model.rule), `missed:\n${example.code}\nfound: ${findings.map((f) => f.ruleId).join(", ") || "nothing"}`);
      }
    });
    test(`${model.file} (${model.name}): negative examples do not raise ${model.rule}`, () => {
      for (const example of model.negative) {
        const { findings, errors } = analyzeSource(example.file ?? file, example.code, languageOf(example.file, model.language), ruleSet, new Set());
        assert.deepEqual(errors, [], `example does not parse:\n${example.code}`);
        const own = findings.filter((f) => f.ruleId === model.rule);
        assert.equal(own.length, 0, `fired on:\n${example.code}\nat lines ${own.map((f) => f.line).join(", ")}`);
      }
    });
  }

  /** A rules/security + rules/models/python pair holding only the two taint configurations. */
  function scratchRuleDirs(): { rules: string; models: string } {
    const dir = mkdtempSync(path.join(tmpdir(), "bgr-models-"));
    scratch.push(dir);
    const rules = path.join(dir, "security");
    const models = path.join(dir, "models", "python");
    for (const d of [rules, models]) mkdirSync(d, { recursive: true });
    writeFileSync(path.join(rules, "taint.yaml"), "language: python\nsources: []\n");
    writeFileSync(path.join(rules, "taint-js.yaml"), "language: javascript\nsources: []\n");
    return { rules, models };
  }

  test("a model naming a rule that does not exist is refused with its file named", () => {
    const { rules, models } = scratchRuleDirs();
    writeFileSync(
      path.join(models, "acme.yaml"),
      "language: python\npackage: acme\ndocs: https://acme.example/docs\nmodels:\n  - name: q\n    sinks: [{ rule: py.nope, call: [acme.q] }]\n    examples: { rule: py.nope, positive: [x], negative: [y] }\n",
    );
    assert.throws(() => loadRuleSet(rules), (e: unknown) => e instanceof RuleError && /models\/python\/acme\.yaml/.test(e.message) && /py\.nope/.test(e.message));
  });

  test("model patterns join the named pattern rule, and a pattern naming a taint rule is refused", () => {
    const { rules, models } = scratchRuleDirs();
    const rule = (id: string, mode: string, body: string) =>
      `id: ${id}\ntitle: t\nlanguages: [python]\ncwe: 1\nowasp: A01:2021\nseverity: High\nconfidence: High\nmessage: m\nremediation: r\nmode: ${mode}\n${body}examples: { positive: [x], negative: [y] }\n`;
    writeFileSync(path.join(rules, "flag.yaml"), rule("py.flag", "pattern", "patterns: [{ call: [acme.old] }]\n"));
    writeFileSync(path.join(rules, "flow.yaml"), rule("py.flow", "taint", "class: flow\nsinks: [{ call: [acme.sink] }]\n"));
    const model = (target: string) =>
      `language: python\npackage: acme\ndocs: https://acme.example/docs\nmodels:\n  - name: q\n    patterns: [{ rule: ${target}, call: [acme.unsafe], where: [{ arg: strict, is: [false] }] }]\n    examples: { rule: ${target}, positive: [x], negative: [y] }\n`;
    writeFileSync(path.join(models, "acme.yaml"), model("py.flag"));
    const loaded = loadRuleSet(rules);
    const flag = loaded.rules.find((r) => r.id === "py.flag")!;
    assert.deepEqual(flag.patterns?.map((p) => p.call), [["acme.old"], ["acme.unsafe"]]);
    const { findings } = analyzeSource("a.py", "import acme\nacme.unsafe(strict=False)\nacme.unsafe(strict=True)\n", "python", loaded, new Set());
    assert.deepEqual(findings.filter((f) => f.ruleId === "py.flag").map((f) => f.line), [2]);
    writeFileSync(path.join(models, "acme.yaml"), model("py.flow"));
    assert.throws(() => loadRuleSet(rules), (e: unknown) => e instanceof RuleError && /models\/python\/acme\.yaml/.test(e.message) && /py\.flow, which is not a pattern rule/.test(e.message));
  });
});
