// One file, start to finish: parse, lower, interpret, turn raw hits into
// findings, drop suppressed ones. Pure and synchronous so that it runs the
// same in the main thread and in a worker.
import { lowerSource, ruleLanguage, type Language } from "../../lang/index.js";
import type { Finding } from "../../protocol/finding.js";
import type { EngineError } from "../types.js";
import { displayPath, Interpreter, type RawFinding } from "./interpreter.js";
import { LOCAL_INPUT } from "./values.js";
import type { RuleSet, RuleSpec } from "./rules.js";
import { scanSecrets } from "./secrets.js";
import { dropUnconfigured, lowerParamDefaults, raiseSecretUses } from "./local-flow.js";
import { projectModules } from "./modules.js";
import { isSuppressed } from "./suppress.js";

export interface FileAnalysis {
  findings: Finding[];
  errors: EngineError[];
  /** Project modules the analysis read through imports, by path, with their content hashes: when one changes, so may this result. */
  deps?: Record<string, string>;
}

/**
 * `root` is the project folder: imports of the project's own modules are then
 * followed into their files (whole-program taint). Without it each file stands alone.
 */
export function analyzeSource(file: string, text: string, language: Language, ruleSet: RuleSet, disabled: ReadonlySet<string>, root?: string): FileAnalysis {
  const errors: EngineError[] = [];
  const { module, problems } = lowerSource(language, text);
  if (problems.length) {
    const first = problems[0]!;
    errors.push({ file, line: first.line, message: `parse error: ${first.message} (${problems.length > 1 ? `${problems.length}+ places; ` : ""}the rest of the file was still analysed)` });
  }
  const lang = ruleLanguage(language);
  const rules = rulesFor(ruleSet, lang, disabled);
  const interpreter = new Interpreter(module, file, rules, ruleSet.taint[lang], root === undefined ? undefined : projectModules(root));
  const raw = interpreter.run();
  // Local def-use refinements look at this file's own IR, so only at this file's findings.
  const own = raw.filter((r) => r.file === file);
  raiseSecretUses(module, own);
  lowerParamDefaults(module, own);
  const kept = new Set(dropUnconfigured(module, own));
  const dropped = new Set(own.filter((r) => !kept.has(r)));
  const linesOf = new Map<string, string[]>([[file, text.split(/\r?\n/)]]);
  for (const [dep, loaded] of interpreter.dependencies) linesOf.set(dep, loaded.text.split(/\r?\n/));
  const findings = raw
    .filter((r) => !dropped.has(r))
    .map((r) => toFinding(r, r.file, linesOf.get(r.file) ?? []))
    .filter((f) => !isSuppressed(linesOf.get(f.file) ?? [], f.line, f.ruleId, f.cwe));
  const analysis: FileAnalysis = { findings: withoutCoveredAudits(findings), errors };
  if (interpreter.dependencies.size) analysis.deps = Object.fromEntries([...interpreter.dependencies].map(([dep, loaded]) => [dep, loaded.hash]));
  return analysis;
}

/** An audit-tier pattern finding adds nothing where a traced finding names the same weakness on the same line. */
function withoutCoveredAudits(findings: Finding[]): Finding[] {
  const traced = new Set(findings.filter((f) => f.trace).map((f) => `${f.file}:${f.line}:${f.cwe}`));
  if (traced.size === 0) return findings;
  return findings.filter((f) => f.trace || !traced.has(`${f.file}:${f.line}:${f.cwe}`));
}

/** The full per-file analysis: the interpreter's findings plus secret token formats. */
export async function analyzeFile(file: string, text: string, language: Language, ruleSet: RuleSet, disabled: ReadonlySet<string>, root?: string): Promise<FileAnalysis> {
  const analysis = analyzeSource(file, text, language, ruleSet, disabled, root);
  if (disabled.has("secretlint") || disabled.has("CWE-798")) return analysis;
  const lines = text.split(/\r?\n/);
  try {
    const tokens = await scanSecrets(file, text, lines);
    // One finding per line: a named secret the YAML rules already reported is not repeated.
    const covered = new Set(analysis.findings.filter((f) => f.file === file && (f.cwe === 798 || f.cwe === 259)).map((f) => f.line));
    for (const t of tokens) {
      if (covered.has(t.line) || disabled.has(t.ruleId) || isSuppressed(lines, t.line, t.ruleId, t.cwe)) continue;
      covered.add(t.line);
      analysis.findings.push(t);
    }
  } catch (error) {
    analysis.errors.push({ file, message: `secret scan failed: ${(error as Error).message}` });
  }
  return analysis;
}

// The same filtered list for every file of an audit, so that per-rule-list caches (compiled matchers) are shared.
const filtered = new WeakMap<RuleSet, Map<string, RuleSpec[]>>();

function rulesFor(ruleSet: RuleSet, lang: "python" | "javascript", disabled: ReadonlySet<string>): RuleSpec[] {
  const key = `${lang}\0${[...disabled].sort().join(",")}`;
  let byKey = filtered.get(ruleSet);
  if (!byKey) filtered.set(ruleSet, (byKey = new Map()));
  let rules = byKey.get(key);
  if (!rules) {
    rules = ruleSet.rules.filter((r) => r.languages.includes(lang) && !disabled.has(r.id) && !disabled.has(`CWE-${r.cwe}`));
    byKey.set(key, rules);
  }
  return rules;
}

function toFinding(raw: RawFinding, file: string, lines: string[]): Finding {
  const { rule, loc, taint, matcher } = raw;
  const snippetLines = lines.slice(loc.line - 1, Math.min(loc.endLine, loc.line + 2));
  const finding: Finding = {
    ruleId: rule.id,
    title: rule.title,
    severity: matcher?.severity ?? rule.severity,
    file,
    line: loc.line,
    endLine: loc.endLine,
    column: loc.column,
    endColumn: loc.endColumn,
    message: rule.message,
    recommendation: rule.remediation,
    confidence: matcher?.confidence ?? rule.confidence,
    cwe: rule.cwe,
    owasp: rule.owasp,
    snippet: snippetLines.map((l) => l.trim()).join("\n").slice(0, 400),
  };
  if (rule["also-cwe"]?.length) finding.properties = { alsoCwe: rule["also-cwe"] };
  if (taint) {
    const sink = raw.sinkPath ? displayPath(raw.sinkPath) : "the sink";
    finding.trace = [...taint.steps, { file, line: loc.line, note: `sink: ${sink}` }];
    const source = taint.steps[0]?.note.replace(/^source: /, "") ?? "request data";
    finding.message = `${rule.message} Data from ${source} at line ${taint.steps[0]?.line ?? loc.line} reaches \`${sink}\`.`;
    // Whoever types the command line or sets the environment can usually run commands already.
    if (taint.cleared.includes(LOCAL_INPUT)) {
      finding.severity = finding.severity === "Info" ? "Info" : "Low";
      if (finding.confidence === "High") finding.confidence = "Medium";
    }
  }
  return finding;
}

export type { RuleSpec };
