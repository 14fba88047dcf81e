// The build compiles the rule YAML with the same loadRuleSet an audit would
// run; audits read that JSON only while it matches the rule files, and load
// the YAML (with its validation errors) otherwise.
import assert from "node:assert/strict";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { compiledRulesPath, loadRules, readCompiledRules } from "../../src/engines/security-audit/compiled-rules.js";
import { defaultRulesDir, hashOf, modelsDirFor, ruleFiles, rulesHash, rulesStamp, rulesStampPath } from "../../src/engines/security-audit/rule-files.js";
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

test("the build's stamp gives the rules hash while every rule file stats the same, and an edited file is hashed again", () => {
  const full = (dir: string) => hashOf([...ruleFiles(dir), ...ruleFiles(modelsDirFor(dir)).map((f) => ({ ...f, rel: `models/${f.rel}` }))]);
  // The package's own stamp agrees with hashing the files.
  assert.equal(rulesHash(), full(defaultRulesDir()));
  const pkg = mkdtempSync(path.join(tmpdir(), "bgr-rules-pkg-"));
  temps.push(pkg);
  const dir = path.join(pkg, "rules", "security");
  cpSync(defaultRulesDir(), dir, { recursive: true });
  cpSync(modelsDirFor(defaultRulesDir()), modelsDirFor(dir), { recursive: true });
  mkdirSync(path.dirname(rulesStampPath(dir)), { recursive: true });
  // A stamp whose hash no file set could give: seeing it back proves no file was read.
  const stamp = () => writeFileSync(rulesStampPath(dir), JSON.stringify(rulesStamp(dir, "from-the-stamp")));
  // Folder times from long ago, so that the add below moves its folder's mtime even within the clock's granularity.
  const past = new Date(Date.now() - 3600_000);
  utimesSync(path.join(dir, "python"), past, past);
  stamp();
  assert.equal(rulesHash(dir), "from-the-stamp");
  // A rule file added where the stamp's listing does not name it: its folder's mtime tells.
  const added = path.join(dir, "python", "zz-added.yaml");
  writeFileSync(added, "# a new rule file\n");
  assert.equal(rulesHash(dir), full(dir));
  rmSync(added);
  assert.equal(rulesHash(dir), full(dir));
  stamp();
  assert.equal(rulesHash(dir), "from-the-stamp");
  const file = path.join(modelsDirFor(dir), readdirSync(modelsDirFor(dir), { recursive: true, encoding: "utf8" }).find((f) => f.endsWith(".yaml"))!);
  writeFileSync(file, `${readFileSync(file, "utf8")}\n# edited\n`);
  utimesSync(file, new Date(), new Date(Date.now() + 5000));
  assert.equal(rulesHash(dir), full(dir));
});
