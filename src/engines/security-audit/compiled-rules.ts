// The rule set as the build compiled it (scripts/compile-rules.mjs runs the
// same loadRuleSet into dist/src/compiled-rules.json), so an audit reads one
// JSON instead of parsing and validating every YAML file with yaml and zod.
// Trusted only while fresh: its hash must match the rule files on disk and it
// must be newer than the loader that wrote it; otherwise the YAML is loaded.
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { defaultRulesDir, rulesHash } from "./rule-files.js";
import type { RuleSet } from "./rules.js";

/** <package>/dist/src/compiled-rules.json for the package whose rules folder this is. */
export function compiledRulesPath(rulesDir = defaultRulesDir()): string {
  return path.join(rulesDir, "..", "..", "dist", "src", "compiled-rules.json");
}

function loaderPath(compiled: string): string {
  return path.join(path.dirname(compiled), "engines", "security-audit", "rules.js");
}

/** The compiled rule set when it matches `hash` and postdates the loader, else undefined. */
export function readCompiledRules(compiled: string, hash: string): RuleSet | undefined {
  const compiledAt = statSync(compiled, { throwIfNoEntry: false })?.mtimeMs;
  const loaderAt = statSync(loaderPath(compiled), { throwIfNoEntry: false })?.mtimeMs;
  if (compiledAt === undefined || (loaderAt !== undefined && loaderAt > compiledAt)) return undefined;
  try {
    const ruleSet = JSON.parse(readFileSync(compiled, "utf8")) as RuleSet;
    return ruleSet.hash === hash && Array.isArray(ruleSet.rules) && ruleSet.taint?.python && ruleSet.taint?.javascript ? ruleSet : undefined;
  } catch {
    return undefined;
  }
}

let lastLoaded: RuleSet | undefined;

/** The rule set this process's last audit ran with, so its report describes those rules without loading them again. */
export function lastLoadedRules(): RuleSet | undefined {
  return lastLoaded;
}

/** The rule set: compiled when fresh, else parsed and validated from the YAML (rule errors surface there). */
export async function loadRules(dir = defaultRulesDir(), compiled = compiledRulesPath(dir)): Promise<RuleSet> {
  const fresh = readCompiledRules(compiled, rulesHash(dir));
  if (fresh) return (lastLoaded = fresh);
  const { loadRuleSet } = await import("./rules.js");
  return (lastLoaded = loadRuleSet(dir));
}
