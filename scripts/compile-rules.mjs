// Build step after tsc: the rule set, loaded and validated by the same
// loadRuleSet() an audit would run, written as one JSON that audits read
// instead of 59 YAML files (src/engines/security-audit/compiled-rules.ts),
// and the rule files' stats with their hash (rules-stamp.json, rule-files.ts).
// A rule error fails the build with the same message an audit would give.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { loadRuleSet } = await import(path.join(root, "dist/src/engines/security-audit/rules.js"));
const { compiledRulesPath } = await import(path.join(root, "dist/src/engines/security-audit/compiled-rules.js"));
const { rulesStamp, rulesStampPath } = await import(path.join(root, "dist/src/engines/security-audit/rule-files.js"));
const rulesDir = path.join(root, "rules", "security");
const target = compiledRulesPath(rulesDir);
try {
  const ruleSet = loadRuleSet(rulesDir);
  writeFileSync(target, JSON.stringify(ruleSet));
  // What lets an audit take the hash from the files' stats (rule-files.ts).
  writeFileSync(rulesStampPath(rulesDir), JSON.stringify(rulesStamp(rulesDir, ruleSet.hash)));
} catch (error) {
  console.error(`compile-rules: ${error.message}`);
  process.exit(1);
}
