// The build compiles the rule YAML with the same loadRuleSet an audit would
// run; audits read that JSON only while it matches the rule files, and load
// the YAML (with its validation errors) otherwise.
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { compiledRulesPath, loadRules, readCompiledRules } from "../../src/engines/security-audit/compiled-rules.js";
import { defaultRulesDir, rulesHash } from "../../src/engines/security-audit/rule-files.js";
import { loadRuleSet } from "../../src/engines/security-audit/rules.js";

const temps: string[] = [];
after(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

test("the compiled rule set in dist is exactly what loadRuleSet gives for the rule files", () => {
  const compiled = JSON.parse(readFileSync(compiledRulesPath(), "utf8"));
  assert.deepEqual(compiled, JSON.parse(JSON.stringify(loadRuleSet())));
  assert.equal(compiled.hash, rulesHash());
  assert.ok(readCompiledRules(compiledRulesPath(), rulesHash()), "a fresh build's compiled rules must be used (after a bare tsc they are stale: run npm run build)");
});

test("rule files that changed after the build are loaded from YAML, not from the stale compiled set", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "bgr-rules-"));
  temps.push(dir);
  cpSync(defaultRulesDir(), dir, { recursive: true });
  const file = path.join(dir, "python", "command-injection.yaml");
  writeFileSync(file, readFileSync(file, "utf8").replace(/^title: .*$/m, "title: Changed after the build"));
  assert.equal(readCompiledRules(compiledRulesPath(), rulesHash(dir)), undefined);
  const ruleSet = await loadRules(dir, compiledRulesPath());
  assert.equal(ruleSet.rules.find((r) => r.id === "py.command-injection")?.title, "Changed after the build");
});

test("a broken rule file fails with the loader's message even when a compiled set exists", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "bgr-rules-"));
  temps.push(dir);
  cpSync(defaultRulesDir(), dir, { recursive: true });
  writeFileSync(path.join(dir, "python", "zz-broken.yaml"), "id: Not Valid\n");
  await assert.rejects(loadRules(dir, compiledRulesPath()), /rule file python[\\/]zz-broken\.yaml: /);
});
