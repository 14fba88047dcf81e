// The security audit engine: taint-tracking SAST for Python, JavaScript and
// TypeScript over tree-sitter, with rules as data (rules/security/**).
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { readRegularFile } from "../../tools/safe-read.js";
import { languageForPath, supportedExtensions } from "../../lang/languages.js";
import { compareFindings, type Finding } from "../../protocol/finding.js";
import { loadConfig } from "../../runtime/config.js";
import { listFiles } from "../../tools/walk.js";
import type { Engine, EngineContext, EngineError, EngineResult } from "../types.js";
import type { FileAnalysis } from "./analyze-file.js";
import { AnalysisCache, cacheKey, StatIndex } from "./cache.js";
import type { Job } from "./pool.js";
import { defaultRulesDir, loadRuleSet, type RuleSet, rulesHash } from "./rules.js";
import { contentHash, forgetProjectModules } from "./modules.js";
import { applyPolicy, type FindingPolicy, parseConfidence, parseSeverities, parseTestMode } from "./policy.js";
import { countsBy, recommendationsFor, summarize } from "./summary.js";

/** Files bigger than this are almost always generated or data; they are listed as skipped. */
const MAX_FILE_BYTES = 2 * 1024 * 1024;

export const securityAuditEngine: Engine = {
  kind: "security-audit",
  description: "taint-tracking security audit of Python, JavaScript and TypeScript (OWASP Top 10 2021)",
  run: runAudit,
};

function auditOption<T>(audit: Record<string, unknown> | undefined, key: string, check: (v: unknown) => v is T): T | undefined {
  const value = audit?.[key];
  return value !== undefined && check(value) ? value : undefined;
}

function warnUnknownDisabled(ruleSet: RuleSet, disabled: string[], ctx: EngineContext): void {
  const known = new Set([...ruleSet.rules.flatMap((r) => [r.id, `CWE-${r.cwe}`]), "secretlint"]);
  for (const id of disabled) {
    if (!known.has(id) && !id.startsWith("secretlint.") && /^(py|js)\.|^CWE-\d+$/.test(id)) {
      ctx.log(`config rules.disable: ${id} matches no security rule (ids look like py.sql-injection or CWE-89)`);
    }
  }
}

/** Project config (`audit.tests`, `audit.min-confidence`, `audit.severity`) overridden by the run's options. */
function findingPolicy(audit: Record<string, unknown> | undefined, options: EngineContext["options"]): FindingPolicy {
  const tests = parseTestMode(options.tests ?? audit?.tests, options.tests !== undefined ? "--tests" : "config audit.tests");
  const minConfidence = options.minConfidence ?? audit?.["min-confidence"];
  const severity = options.severity ?? audit?.severity;
  const source = (flag: string, key: string, fromOption: boolean) => (fromOption ? flag : `config audit.${key}`);
  return {
    tests,
    minConfidence: minConfidence === undefined ? undefined : parseConfidence(String(minConfidence), source("--min-confidence", "min-confidence", options.minConfidence !== undefined)),
    severities: severity === undefined ? undefined : parseSeverities(String(severity), source("--severity", "severity", options.severity !== undefined)),
  };
}

export async function runAudit(ctx: EngineContext): Promise<EngineResult> {
  const config = await loadConfig(ctx.root);
  const audit = config.audit as Record<string, unknown> | undefined;
  const extraExclude = auditOption(audit, "exclude", (v): v is string[] => Array.isArray(v) && v.every((x) => typeof x === "string")) ?? [];
  const rulesDir = defaultRulesDir();
  // Parsing and validating the rules (and loading the parsers) waits until a file actually needs analysing:
  // an audit answered from the cache needs only the rules' hash.
  const hash = rulesHash(rulesDir);
  const disabled = [...config.rules.disable];
  const errors: EngineError[] = [];
  const policy = findingPolicy(audit, ctx.options);

  const listed = await listFiles(ctx.root, {
    scope: ctx.scope,
    extensions: supportedExtensions(),
    exclude: [...config.exclude, ...extraExclude],
    onMissing: (p) => errors.push({ file: p, message: `scope entry ${p} does not exist in the workspace; check the path` }),
    onSkipped: (p, reason) => errors.push({ file: p, message: reason }),
    signal: ctx.signal,
  });
  // Type declarations carry no code to audit.
  const files = listed.filter((f) => !/\.d\.[cm]?ts$/.test(f));

  forgetProjectModules(ctx.root);
  const cache = ctx.options.noCache ? undefined : new AnalysisCache(ctx.cacheDir);
  const statIndex = ctx.options.noCache ? undefined : new StatIndex(ctx.cacheDir, hash, disabled);
  const results = new Map<string, FileAnalysis>();
  const jobs: Job[] = [];
  const keys = new Map<string, string>();
  let cached = 0;
  let done = 0;
  ctx.progress(0, files.length, "reading files");
  for (const file of files) {
    if (ctx.signal.aborted) break;
    const language = languageForPath(file)!;
    const abs = path.join(ctx.root, file);
    const info = await stat(abs);
    if (info.size > MAX_FILE_BYTES) {
      errors.push({ file, message: `skipped: ${Math.round(info.size / 1024)} KB is over the ${MAX_FILE_BYTES / 1024 / 1024} MB limit for source files` });
      continue;
    }
    // Same size and modification time as last run: the stored key stands, without reading the file.
    const known = statIndex?.get(file, info.size, info.mtimeMs);
    const knownHit = known ? cache?.get(known) : undefined;
    if (knownHit) {
      statIndex!.keep(file, info.size, info.mtimeMs, known!);
      results.set(file, knownHit);
      cached++;
      done++;
      continue;
    }
    let text: string;
    try {
      // O_NONBLOCK and a regular-file check: a FIFO or device in scope is one file's error, not a hung audit.
      text = (await readRegularFile(abs, { label: file, maxBytes: MAX_FILE_BYTES })).toString("utf8");
    } catch (error) {
      errors.push({ file, message: `skipped: ${(error as Error).message.split("\n")[0]}` });
      done++;
      continue;
    }
    const key = cacheKey(text, file, hash, disabled);
    statIndex?.keep(file, info.size, info.mtimeMs, key);
    const hit = cache?.get(key);
    if (hit) {
      results.set(file, hit);
      cached++;
      done++;
      continue;
    }
    keys.set(file, key);
    jobs.push({ file, text, language });
  }
  // A cached result stands only while the project modules it read are unchanged: a changed module re-analyses its importers.
  const depHashes = new Map<string, string | undefined>();
  const currentHash = async (dep: string): Promise<string | undefined> => {
    if (!depHashes.has(dep)) depHashes.set(dep, await readFile(path.join(ctx.root, dep), "utf8").then(contentHash, () => undefined));
    return depHashes.get(dep);
  };
  for (const [file, hit] of results) {
    let stale = false;
    for (const [dep, hash] of Object.entries(hit.deps ?? {})) if ((await currentHash(dep)) !== hash) stale = true;
    if (!stale) continue;
    results.delete(file);
    cached--;
    done--;
    const text = await readFile(path.join(ctx.root, file), "utf8");
    keys.set(file, cacheKey(text, file, hash, disabled));
    jobs.push({ file, text, language: languageForPath(file)! });
  }
  ctx.progress(done, files.length, "analysing");

  let aborted: string | undefined;
  try {
    if (jobs.length > 0) {
      const ruleSet = loadRuleSet(rulesDir);
      warnUnknownDisabled(ruleSet, disabled, ctx);
      const { analyzeAll } = await import("./pool.js");
      await analyzeAll(jobs, {
        ruleSet,
        disabled,
        root: ctx.root,
        signal: ctx.signal,
        onDone(job, analysis) {
          results.set(job.file, analysis);
          const key = keys.get(job.file);
          if (cache && key && !analysis.errors.some((e) => e.message.startsWith("analysis failed"))) cache.set(key, analysis);
          ctx.progress(++done, files.length, job.file);
        },
      });
    }
  } catch (error) {
    aborted = (error as Error).message;
  }
  statIndex?.save();
  if (ctx.signal.aborted && !aborted) aborted = String((ctx.signal.reason as Error | undefined)?.message ?? "aborted");

  const findings: Finding[] = [];
  const analysed: string[] = [];
  // A flow into a shared module is found from each file that calls it: one finding per place.
  const seen = new Set<string>();
  for (const file of files) {
    const r = results.get(file);
    if (!r) continue;
    analysed.push(file);
    for (const f of applyPolicy(r.findings, policy)) {
      const where = `${f.ruleId}\0${f.file}\0${f.line}\0${f.column}`;
      if (seen.has(where)) continue;
      seen.add(where);
      findings.push(f);
    }
    errors.push(...r.errors);
  }
  findings.sort(compareFindings);
  const result: EngineResult = {
    title: "Security audit",
    summary: summarize(findings, analysed.length, new Set(errors.filter((e) => e.file).map((e) => e.file)).size, cached),
    findings,
    filesAnalyzed: analysed,
    errors,
    recommendations: recommendationsFor(findings),
    data: {
      rules: countsBy(findings, (f) => f.ruleId),
      cwe: countsBy(findings, (f) => (f.cwe ? `CWE-${f.cwe}` : undefined)),
      owasp: countsBy(findings, (f) => f.owasp),
      cachedFiles: cached,
      rulesVersion: hash,
    },
  };
  if (files.length === 0) {
    result.summary = ctx.scope.length
      ? `No Python, JavaScript or TypeScript files in the scope (${ctx.scope.join(", ")}).`
      : "No Python, JavaScript or TypeScript files in the workspace.";
  }
  if (aborted) result.blockers = [`The audit stopped before every file was analysed: ${aborted}. ${analysed.length} of ${files.length} files are covered.`];
  return result;
}
